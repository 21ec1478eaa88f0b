"""Stored emails are brought to today's normal form: PostgreSQL by migration 0002, SQLite at start-up.

Both stop, changing nothing, when two accounts would end up with one address, and say which.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from backend_app.db.schema import SQLITE_SCHEMA
from backend_app.main import create_app
from backend_app.services.container import services_of
from tests.backend.conftest import make_settings
from tests.support import postgres
from tests.support.paths import ROOT

OLD_ROWS = ["Ann@Example.com", "bob@xn--bcher-kva.example", "\uff43arl@example.com"]
NORMALISED = ["ann@example.com", "bob@b\u00fccher.example", "carl@example.com"]
COLLIDING = ["DUP@example.com", "\uff44up@example.com"]


def _migrate(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "migrate.py"), *args],
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        check=False,
    )


@pytest.fixture
def old_pg(pg_url: str) -> Iterator[str]:
    name, url = postgres.create_database(migrate=False)
    assert _migrate(url, "0001_users").returncode == 0
    yield url
    postgres.drop_database(name)


def _pg(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    return asyncio.run(run())


def _insert_pg(url: str, emails: list[str]) -> None:
    for email in emails:
        sql = "INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES ($1, $2, 'x', now(), now())"
        _pg(url, sql, uuid.uuid4(), email)


def test_postgres_migration_normalises_and_stops_on_collisions(old_pg: str) -> None:
    _insert_pg(old_pg, OLD_ROWS + COLLIDING)
    stopped = _migrate(old_pg)
    assert stopped.returncode == 1
    assert "would belong to more than one account" in stopped.stderr
    assert "dup@example.com" in stopped.stderr and repr(COLLIDING[1]) in stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert sorted(r["email"] for r in _pg(old_pg, "SELECT email FROM users")) == sorted(OLD_ROWS + COLLIDING)

    _pg(old_pg, "DELETE FROM users WHERE email = $1", COLLIDING[1])
    done = _migrate(old_pg)
    assert done.returncode == 0, done.stderr
    assert "applied 0002_normalise_emails" in done.stdout
    assert sorted(r["email"] for r in _pg(old_pg, "SELECT email FROM users")) == sorted(
        [*NORMALISED, "dup@example.com"]
    )


def _old_sqlite(path: Path, emails: list[str]) -> None:
    """A file as an older version left it: the same tables, emails only trimmed and lower-cased."""
    db = sqlite3.connect(path)
    db.executescript(SQLITE_SCHEMA)
    for email in emails:
        db.execute(
            "INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES (?, ?, 'x', ?, ?)",
            (str(uuid.uuid4()), email, "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00"),
        )
    db.commit()
    db.close()


@pytest.mark.anyio
async def test_sqlite_file_is_normalised_at_start_up(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _old_sqlite(path, OLD_ROWS)
    app = create_app(make_settings(f"sqlite:///{path}"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        taken = await client.post(
            "/api/auth/register", json={"email": "carl@example.com", "password": "pw long enough"}
        )
    await services_of(app).stop()
    assert taken.status_code == 409
    db = sqlite3.connect(path)
    assert sorted(row[0] for row in db.execute("SELECT email FROM users")) == sorted(NORMALISED)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()


@pytest.mark.anyio
async def test_sqlite_file_with_colliding_emails_does_not_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.sqlite3"
    _old_sqlite(path, COLLIDING)
    app = create_app(make_settings(f"sqlite:///{path}"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        refused = await client.post("/api/auth/login", json={"email": "dup@example.com", "password": "whatever"})
        status = await client.get("/api/status")
    await services_of(app).stop()
    assert (refused.status_code, refused.json()["error"]["code"]) == (503, "database_unavailable")
    detail = status.json()["services"]["database"]["detail"]
    assert "collide" in detail and "dup@" not in detail  # the addresses go to the log only
    err = capsys.readouterr().err
    assert "would belong to more than one account" in err and "dup@example.com" in err
    db = sqlite3.connect(path)
    assert sorted(row[0] for row in db.execute("SELECT email FROM users")) == sorted(COLLIDING)
    db.close()
