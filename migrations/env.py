"""Alembic environment: connects with asyncpg through the app's own URL parsing.

`DATABASE_URL` (or `-x url=...`) may be `postgres://`, carry `sslmode`/`ssl`, and point at a
transaction pooler: the connection is made exactly as the app makes it (no statement cache).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import asyncpg
from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from backend_app.db.url import parse_database_url


def _dsn() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("set DATABASE_URL (or pass -x url=...) to the PostgreSQL database to migrate")
    target = parse_database_url(url)
    if not target.is_postgres:
        raise SystemExit("migrations are for PostgreSQL; the SQLite database creates its schema by itself")
    return target.dsn


def _record(*, step: Any, **_: Any) -> None:
    """Tells scripts/migrate.py what ran, so it can say so (Alembic itself prints nothing here)."""
    applied = context.config.attributes.get("applied")
    if isinstance(applied, list):
        verb = "applied" if step.is_upgrade else "undid"
        revision = step.up_revision
        applied.append(f"{verb} {revision.revision}: {revision.doc}")


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection, target_metadata=None, transaction_per_migration=True, on_version_apply=_record
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run() -> None:
    dsn = _dsn()

    async def connect() -> Any:
        return await asyncpg.connect(dsn, statement_cache_size=0, timeout=10)

    engine = create_async_engine("postgresql+asyncpg://", async_creator=connect, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_migrate)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url="postgresql://", literal_binds=True, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run())
