"""scripts/create_admin.py and the PostgreSQL migration path, run as a developer or CI would run them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator

import asyncpg
import httpx
import pytest

from tests.backend.conftest import make_settings
from tests.support import postgres
from tests.support.create_admin import run_create_admin
from tests.support.environment import clean_environ
from tests.support.paths import ROOT


@pytest.mark.parametrize("via", ["stdin", "env"])
def test_create_admin_then_log_in_as_admin(via: str, database_url: str) -> None:
    made = run_create_admin("Boss@Example.com", "admin password 9", {"DATABASE_URL": database_url}, via=via)
    assert made.returncode == 0, made.stderr
    assert "admin password 9" not in made.stdout + made.stderr

    async def check() -> None:
        from backend_app.main import create_app
        from backend_app.services.container import services_of

        app = create_app(make_settings(database_url))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            login = await client.post(
                "/api/auth/login", json={"email": "boss@example.com", "password": "admin password 9"}
            )
            token = login.json()["access_token"]
            page = await client.get("/api/admin/users", headers={"authorization": f"Bearer {token}"})
        await services_of(app).stop()
        assert page.status_code == 200 and page.json()["items"][0]["role"] == "admin"

    asyncio.run(check())


def test_create_admin_refuses_a_password_argument_and_a_short_password(tmp_path: object) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/a.sqlite3"}
    usage = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "create_admin.py"), "a@example.com", "pw-on-argv"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert usage.returncode == 2
    short = run_create_admin("a@example.com", "short", env)
    assert short.returncode == 1 and "password" in short.stderr


@pytest.fixture
def scratch_pg(pg_url: str) -> Iterator[str]:
    name, url = postgres.create_database(migrate=False)
    yield url
    postgres.drop_database(name)


def test_alembic_upgrade_and_downgrade(scratch_pg: str) -> None:
    env = {**os.environ, "DATABASE_URL": scratch_pg}

    def tables() -> set[str]:
        async def query() -> set[str]:
            conn = await asyncpg.connect(scratch_pg.replace("postgres://", "postgresql://", 1))
            try:
                rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            finally:
                await conn.close()
            return {r["tablename"] for r in rows}

        return asyncio.run(query())

    alembic = [sys.executable, "-m", "alembic", "-c", str(ROOT / "migrations" / "alembic.ini")]
    subprocess.run([*alembic, "upgrade", "head"], env=env, check=True, capture_output=True, timeout=120)
    assert {"users", "revoked_tokens", "alembic_version"} <= tables()
    undone = migrate("base", env=env)
    assert "undid 0001_users" in undone
    assert "users" not in tables()


def migrate(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "migrate.py"), *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_migrate_says_what_it_applied_then_that_nothing_was_pending(scratch_pg: str) -> None:
    env = {**os.environ, "DATABASE_URL": scratch_pg}
    first = migrate(env=env)
    assert "applied 0001_users: users and revoked_tokens" in first
    again = migrate(env=env)
    assert again.startswith("nothing was pending: the database is already at ")
    assert "applied" not in again


def test_migrate_help_describes_its_usage_without_a_database() -> None:
    env = clean_environ("DATABASE_URL")
    helped = migrate("--help", env=env)
    assert "usage: migrate.py [-h] [revision]" in helped
    assert "DATABASE_URL" in helped


def test_create_admin_refuses_an_account_someone_registered_first(database_url: str) -> None:
    async def scenario() -> None:
        from backend_app.main import create_app
        from backend_app.services.container import services_of

        app = create_app(make_settings(database_url))
        env = {"DATABASE_URL": database_url, "ENVIRONMENT": "development"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:

            async def login(password: str) -> httpx.Response:
                return await client.post("/api/auth/login", json={"email": "ops@example.com", "password": password})

            # Someone registers the operator's address before the operator runs the script.
            await client.post("/api/auth/register", json={"email": "ops@example.com", "password": "attacker pw 1"})
            squatter = (await login("attacker pw 1")).json()["access_token"]
            refused = run_create_admin("OPS@example.com", "operator pw 1", env)
            assert refused.returncode == 1 and "already has an account" in refused.stderr
            assert "--existing" in refused.stderr and "operator pw 1" not in refused.stdout + refused.stderr
            me = await client.get("/api/users/me", headers={"authorization": f"Bearer {squatter}"})
            assert me.json()["role"] == "user"
            assert (await login("operator pw 1")).status_code == 401

            taken = run_create_admin("ops@example.com", "operator pw 1", env, flags=("--existing",))
            assert taken.returncode == 0, taken.stderr
            assert "role user -> admin" in taken.stdout and "password set" in taken.stdout
            assert "every token it held revoked" in taken.stdout
            gone = await client.get("/api/users/me", headers={"authorization": f"Bearer {squatter}"})
            assert gone.status_code == 401
            assert (await login("attacker pw 1")).status_code == 401
            admin = (await login("operator pw 1")).json()["access_token"]
            page = await client.get("/api/admin/users", headers={"authorization": f"Bearer {admin}"})
            assert page.status_code == 200

            # --keep-role: a new password for any account, the role unchanged.
            await client.post("/api/auth/register", json={"email": "ann@example.com", "password": "forgotten pw 1"})
            reset = run_create_admin("ann@example.com", "new ann pw 1", env, flags=("--existing", "--keep-role"))
            assert reset.returncode == 0, reset.stderr
            assert "role now user" in reset.stdout and "->" not in reset.stdout
            ann = await client.post("/api/auth/login", json={"email": "ann@example.com", "password": "new ann pw 1"})
            assert ann.status_code == 200
        await services_of(app).stop()

    asyncio.run(scenario())
