"""In production a PostgreSQL URL without `sslmode` requires TLS: no silent fall back to plain text.

The test server here has `ssl = off`, like a server that declines TLS (or someone in the middle
who strips it): asyncpg's default `prefer` would connect in plain text anyway.
"""

from __future__ import annotations

import httpx
import pytest

from backend_app.main import create_app
from backend_app.services.container import services_of
from backend_app.services.database import choose_target
from tests.backend.conftest import PASSWORD, make_settings

pytestmark = pytest.mark.anyio


def _without_sslmode(url: str) -> str:
    base, _, query = url.partition("?")
    kept = "&".join(item for item in query.split("&") if item and not item.lower().startswith("sslmode="))
    return f"{base}?{kept}" if kept else base


async def _register(environment: str, url: str) -> httpx.Response:
    app = create_app(make_settings(url, environment=environment))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            return await client.post("/api/auth/register", json={"email": "ann@example.com", "password": PASSWORD})
    finally:
        await services_of(app).stop()


async def test_production_without_sslmode_refuses_a_server_without_tls(pg_url: str) -> None:
    reply = await _register("production", _without_sslmode(pg_url))
    assert (reply.status_code, reply.json()["error"]["code"]) == (503, "database_unavailable")


async def test_an_explicit_sslmode_opts_out_for_a_local_database(pg_url: str) -> None:
    # pg_url ends in ?sslmode=disable, as docs/configuration.md tells a local database to.
    assert "sslmode=disable" in pg_url
    reply = await _register("production", pg_url)
    assert reply.status_code in (201, 409), reply.text


def test_the_default_is_require_in_production_only() -> None:
    url = "postgresql://u:pw@db.example.com/app"
    production = choose_target(make_settings(url, environment="production"))[0]
    development = choose_target(make_settings(url, environment="development"))[0]
    assert production is not None and production.dsn.endswith("?sslmode=require")
    assert development is not None and "sslmode" not in development.dsn
    explicit = choose_target(make_settings(url + "?ssl=false", environment="production"))[0]
    assert explicit is not None and explicit.dsn.endswith("?sslmode=disable")
