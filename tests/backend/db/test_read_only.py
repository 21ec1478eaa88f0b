"""Read-only units of work (a login's lookup, the token check of every authenticated request) run in
autocommit: no BEGIN and COMMIT round trips, and on SQLite no write lock, so a login does not wait
behind a writer in another process."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest

from backend_app.db.base import DatabaseUnavailable
from backend_app.db.sqlite import SqliteDatabase
from backend_app.services.database import DatabaseService
from tests.backend.conftest import make_settings

pytestmark = pytest.mark.anyio

# now() is the start of the current transaction.
NOW = "SELECT now() AS t"


async def test_a_read_does_not_wait_behind_a_writer_on_sqlite(tmp_path: object) -> None:
    path = f"{tmp_path}/app.sqlite3"
    database = SqliteDatabase(path, op_timeout_s=0.5)
    async with database.transaction() as conn:  # creates the schema
        when = "2026-01-01T00:00:00+00:00"
        await conn.execute(
            "INSERT INTO users (id, email, password_hash, created_at, updated_at) "
            "VALUES ('u1', 'a@example.com', 'x', $1, $1)",
            when,
        )
    writer = sqlite3.connect(path, timeout=0, isolation_level=None)  # another process, as far as SQLite knows
    writer.execute("BEGIN IMMEDIATE")
    try:
        started = time.perf_counter()
        async with database.transaction(read_only=True) as conn:
            row = await conn.fetch_one("SELECT email FROM users WHERE id = $1", "u1")
        assert row == {"email": "a@example.com"}
        assert time.perf_counter() - started < 0.4  # did not wait out the busy timeout
        with pytest.raises(DatabaseUnavailable):  # a unit of work that writes does wait, then gives up
            async with database.transaction() as conn:
                await conn.fetch_one("SELECT 1 AS one")
    finally:
        writer.rollback()
        writer.close()
        await database.close()


async def test_read_only_statements_run_outside_a_transaction_on_postgres(pg_url: str) -> None:
    service = DatabaseService(make_settings(pg_url))
    try:
        for read_only in (True, False):
            async with service.transaction(read_only=read_only) as conn:
                first = await conn.fetch_one(NOW)
                await asyncio.sleep(0.02)
                second = await conn.fetch_one(NOW)
            assert first is not None and second is not None
            # Autocommit: each statement is a transaction of its own; otherwise both share the block's.
            assert (second["t"] > first["t"]) is read_only
    finally:
        await service.close()
