"""A thin repository layer over asyncpg (PostgreSQL) and aiosqlite (SQLite).

Chosen over SQLAlchemy by measurement (bench/RESULTS.md, "Database layer"): the drivers import in a
fraction of SQLAlchemy's time and bundle size, and a cold start counts every import. Drivers
are imported only when a request first needs the database, never when the backend loads.
"""
