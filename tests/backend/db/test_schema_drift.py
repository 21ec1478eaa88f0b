"""The SQLite start-up schema and the PostgreSQL migrations describe one database.

SQLite creates its tables itself (`backend_app/db/schema.py`, run by `db/sqlite.py` when the first
connection opens); PostgreSQL gets them from `alembic upgrade head` (`migrations/`). Both are
built here and compared table by table: columns (type as far as comparable, nullability,
default), primary keys, unique constraints, indexes, foreign keys and checks.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from backend_app.db.schema import SQLITE_SCHEMA
from backend_app.db.sqlite import SqliteDatabase
from tests.backend.db.postgres_catalogue import postgres_schema
from tests.backend.db.schemas import Schema, differences
from tests.backend.db.sqlite_catalogue import sqlite_schema
from tests.support import postgres
from tests.support.create_admin import ROOT
from tests.support.unavailable import unavailable


def sqlite_start_up(path: Path) -> Schema:
    """The schema of a file the backend's SQLite database made for itself on first use."""

    async def open_once() -> None:
        database = SqliteDatabase(str(path), op_timeout_s=5.0)
        async with database.transaction(read_only=True):
            pass
        await database.close()

    asyncio.run(open_once())
    with closing(sqlite3.connect(path)) as conn:
        return sqlite_schema(conn)


@pytest.fixture(scope="module")
def migrated() -> Iterator[Schema]:
    """A fresh PostgreSQL database after `alembic upgrade head`, read back."""
    problem = postgres.server_problem()
    if problem:
        unavailable(f"{problem}: start PostgreSQL on 127.0.0.1:5432 with trust auth (or set TEST_POSTGRES_URL)")
    name, url = postgres.create_database(migrate=False)
    try:
        alembic = [sys.executable, "-m", "alembic", "-c", str(ROOT / "migrations" / "alembic.ini"), "upgrade", "head"]
        done = subprocess.run(
            alembic,
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        yield asyncio.run(postgres_schema(url))
    finally:
        postgres.drop_database(name)


def test_the_sqlite_start_up_and_the_migrations_make_the_same_schema(tmp_path: Path, migrated: Schema) -> None:
    built = sqlite_start_up(tmp_path / "app.sqlite3")
    # Every table SQLITE_SCHEMA declares, the template's and any a project adds (docs/adding-a-resource.md).
    declared = set(re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", SQLITE_SCHEMA, re.I))
    assert {"users", "revoked_tokens"} <= declared
    assert set(built) == declared
    assert differences(built, migrated) == []


# One change to the SQLite side each, and the start of the difference that must name it.
CHANGES = {
    "users unique": ("email TEXT NOT NULL UNIQUE", "email TEXT NOT NULL"),
    "users.password_hash": ("password_hash TEXT NOT NULL", "password_hash TEXT"),
    "users.role": ("DEFAULT 'user'", "DEFAULT 'member'"),
    "users checks": ("CHECK (role IN ('user', 'admin'))", "CHECK (role IN ('user', 'admin', 'owner'))"),
    "revoked_tokens foreign_keys": ("ON DELETE CASCADE", ""),
    "revoked_tokens indexes": ("ON revoked_tokens (expires_at)", "ON revoked_tokens (user_id)"),
    "users.token_version": ("token_version INTEGER", "token_version TEXT"),
    "revoked_tokens.note": ("    expires_at TEXT NOT NULL\n", "    expires_at TEXT NOT NULL,\n    note TEXT\n"),
}


@pytest.mark.parametrize("named", CHANGES)
def test_a_schema_changed_on_one_side_only_is_named(migrated: Schema, named: str) -> None:
    old, new = CHANGES[named]
    assert old in SQLITE_SCHEMA
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.executescript(SQLITE_SCHEMA.replace(old, new))
        drifted = sqlite_schema(conn)
    found = differences(drifted, migrated)
    assert any(line.startswith(named) for line in found), found
