"""A thin repository layer over asyncpg (PostgreSQL) and aiosqlite (SQLite).

Chosen over SQLAlchemy by measurement (bench/RESULTS.md, "Database layer"): the drivers import in a
fraction of SQLAlchemy's time and bundle size, and a cold start counts every import. The backend
loads the driver of the configured database only (`services.database.open_database`).
"""
