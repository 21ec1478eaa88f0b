"""Fixtures for the backend: settings and apps on each test's database (`database_url`, tests/conftest.py)."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from backend_app.core.config import Settings, get_settings, load_settings
from backend_app.main import create_app
from backend_app.services.container import services_of
from tests.support.entry import close_entry

SECRET = "test-secret-key-0123456789abcdef-0123456789"  # 43 bytes: valid in production too
PASSWORD = "correct horse battery"
# Tests log in far more often than a person; the limit itself is tested with a small one.
RELAXED_LIMIT = "10000/minute"


def make_settings(database_url: str | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "development",
        "secret_key": SECRET,
        "database_connect_timeout_s": 2.0,
        "redis_url": None,
        "rate_limit_auth": RELAXED_LIMIT,
        "rate_limit_account": RELAXED_LIMIT,
    }
    values.update(overrides)
    if database_url is not None:
        values["database_url"] = database_url
    return load_settings(**values)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        c.app = app  # type: ignore[attr-defined]
        yield c
    await services_of(app).stop()


@pytest.fixture
def load_entry(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dict[str, str]], Any]]:
    """Re-import `api.index` under an environment; returns the module (with `handler` and `app`)."""

    import api.index

    def load(env: dict[str, str]) -> Any:
        close_entry(api.index)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        return importlib.reload(api.index)

    yield load
    close_entry(api.index)
    monkeypatch.undo()
    get_settings.cache_clear()
    importlib.reload(api.index)


async def register_and_login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/api/auth/register", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    response = await client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens
