"""A scratch PostgreSQL database per test session, migrated with the project's own migration path.

Other engineers share the server, so the name is unique (pid + random) and the database is
dropped at the end. `TEST_POSTGRES_URL` points at the server (default: local trust auth).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys

import asyncpg

from tests.support.paths import ROOT

SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(SERVER, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def server_problem() -> str | None:
    try:
        asyncio.run(_admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"PostgreSQL at {SERVER.rsplit('@', 1)[-1]} is not reachable ({type(exc).__name__})"
    return None


def url_for(name: str) -> str:
    # postgres:// on purpose: the scheme Heroku, Supabase and Neon hand out must work.
    base = SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgres://", 1)
    return f"{base}/{name}?sslmode=disable"


def create_database(migrate: bool = True) -> tuple[str, str]:
    name = f"auth_test_{os.getpid()}_{secrets.token_hex(4)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = url_for(name)
    if migrate:
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "migrate.py")],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    return name, url


def drop_database(name: str) -> None:
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def truncate(url: str) -> None:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1), timeout=5)
    try:
        await conn.execute("TRUNCATE users, revoked_tokens CASCADE")
    finally:
        await conn.close()
