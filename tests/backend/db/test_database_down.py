"""No database, a database that refuses or never answers, tables missing: 503 in bounded time, health degraded."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from backend_app.core.config import Settings
from backend_app.core.tokens import TokenCodec
from backend_app.main import create_app
from backend_app.services.container import services_of
from tests.backend.conftest import make_settings
from tests.support import postgres
from tests.support.sockets import free_port

pytestmark = pytest.mark.anyio
CONNECT_TIMEOUT_S = 1.0
BOUND_S = CONNECT_TIMEOUT_S + 5.0  # generous: the machine is shared and noisy


async def serve(settings: Settings) -> tuple[httpx.AsyncClient, object]:
    app = create_app(settings)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t"), app


async def assert_down(settings: Settings, code: str) -> dict[str, object]:
    client, app = await serve(settings)
    token, _ = TokenCodec(settings).issue("access", "00000000-0000-0000-0000-000000000001", 0, "s")
    async with client:
        for method, path, body, headers in (
            ("POST", "/api/auth/register", {"email": "a@example.com", "password": "long enough"}, {}),
            ("POST", "/api/auth/login", {"email": "a@example.com", "password": "long enough"}, {}),
            ("GET", "/api/users/me", None, {"authorization": f"Bearer {token}"}),
        ):
            started = time.perf_counter()
            response = await client.request(method, path, json=body, headers=headers)
            elapsed = time.perf_counter() - started
            assert (response.status_code, response.json()["error"]["code"]) == (503, code), response.text
            assert elapsed < BOUND_S, f"{path} took {elapsed:.1f}s"
        health = (await client.get("/api/health")).json()
        status = (await client.get("/api/status")).json()
    assert health["status"] == "degraded"
    await services_of(app).stop()
    return status  # type: ignore[no-any-return]


@pytest.fixture
async def blackhole() -> AsyncIterator[int]:
    """A port that accepts connections and never says a word (a hung server, a dropped route)."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_refused_connection() -> None:
    url = f"postgres://postgres@127.0.0.1:{free_port()}/nothing"
    status = await assert_down(make_settings(url, database_connect_timeout_s=CONNECT_TIMEOUT_S), "database_unavailable")
    database = status["services"]["database"]  # type: ignore[index]
    assert database["healthy"] is False and database["configured"] == "postgresql"


async def test_server_that_never_answers(blackhole: int) -> None:
    url = f"postgresql://postgres@127.0.0.1:{blackhole}/nothing?sslmode=disable"
    await assert_down(make_settings(url, database_connect_timeout_s=CONNECT_TIMEOUT_S), "database_unavailable")


async def test_production_without_database_url() -> None:
    status = await assert_down(make_settings(None, environment="production"), "database_not_configured")
    assert any("DATABASE_URL" in w for w in status["warnings"])  # type: ignore[attr-defined]
    assert status["services"]["database"]["configured"] == "none"  # type: ignore[index]


@pytest.fixture
def unmigrated_url(pg_url: str) -> Iterator[str]:
    name, url = postgres.create_database(migrate=False)
    yield url
    postgres.drop_database(name)


async def test_postgres_without_migrations_says_so(unmigrated_url: str) -> None:
    status = await assert_down(make_settings(unmigrated_url), "database_unavailable")
    assert "migrations" in status["services"]["database"]["detail"]  # type: ignore[index]


async def test_ephemeral_database_is_opt_in_and_warned(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    client, app = await serve(make_settings(None, environment="production", allow_ephemeral_database=True))
    async with client:
        response = await client.post("/api/auth/register", json={"email": "e@example.com", "password": "long enough"})
        assert response.status_code == 201
        status = (await client.get("/api/status")).json()
    assert any("lost with this instance" in w for w in status["warnings"])
    assert status["services"]["database"]["healthy"] is True
    await services_of(app).stop()
