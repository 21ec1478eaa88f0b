"""The load is complete: after it, no request imports a module of api/ or a package the backend uses,
or builds a route.

`tests/backend/load_probe.py` imports the entry in a fresh process with the settings of a deploy,
then sends a request to every route through `index.handler`. Only the driver of the configured
database, redis-py and `limits` only with REDIS_URL, bcrypt and libpass only with
PASSWORD_LEGACY_BCRYPT, and the tracer only with tracing on, are imported: a service the settings do
not use is not.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from backend_app.main import create_app
from backend_app.routes import ROUTERS
from backend_app.services.container import services_of
from failsafe.requirements import requirement_names
from tests.backend.conftest import PASSWORD, SECRET, make_settings
from tests.support.environment import clean_environ
from tests.support.paths import API
from tests.support.unavailable import unavailable

PROBE = Path(__file__).resolve().parent / "load_probe.py"
ADMIN = "load-admin@example.com"
OURS = ("index", "backend_app", "failsafe")
# The modules of backend_app each configuration leaves out, and why: the other database's driver,
# the SQLite start-up's upgrade of stored emails (PostgreSQL has the migration), the Redis
# connector (with its breaker) without REDIS_URL.
NOT_LOADED = {
    "sqlite": {"backend_app.db.postgres"},
    "postgresql": {"backend_app.db.sqlite", "backend_app.db.schema", "backend_app.db.stored_emails"},
}
WITHOUT_REDIS = {
    "backend_app.services.redis_client",
    "backend_app.services.redis_reasons",
    "backend_app.services.redis_window",
    "backend_app.services.breaker",
}
# The OpenTelemetry SDK and its module, with tracing on only (tests/failsafe/platforms/test_traces.py).
WITHOUT_TRACING = {"backend_app.core.tracing"}
STATUSES = {
    "GET /api/health": 200,
    "HEAD /api/health": 200,
    "GET /api/status": 200,
    "HEAD /api/status": 200,
    "POST /api/auth/register": 201,
    "POST /api/auth/login": 200,
    "POST /api/auth/refresh": 200,
    "GET /api/users/me": 200,
    "PATCH /api/users/me/password": 204,
    "GET /api/admin/users": 200,
    "POST /api/auth/logout": 204,
    "GET /api/openapi.json": 200,
    "GET /api/docs": 200,
    "GET /api/docs/oauth2-redirect": 200,
    "GET /api/docs/swagger-ui-bundle.js": 200,
    "GET /api/no-such-route": 404,
}


def top_level_packages() -> set[str]:
    """The import names of every distribution pinned in api/requirements.txt."""
    names: set[str] = set()
    for requirement in requirement_names(API / "requirements.txt"):
        dist = importlib.metadata.distribution(requirement)
        listed = dist.read_text("top_level.txt")
        if listed:
            names.update(listed.split())
            continue
        for file in dist.files or []:
            top = file.parts[0]
            if not top.endswith((".dist-info", ".data")) and top not in ("..", "__pycache__", "bin"):
                names.add(top.split(".")[0])
    return names


def backend_modules() -> set[str]:
    """Every module of api/backend_app, by file."""
    modules = set()
    for path in (API / "backend_app").rglob("*.py"):
        parts = list(path.relative_to(API).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules.add(".".join(parts))
    return modules


async def create_admin(database_url: str) -> None:
    app = create_app(make_settings(database_url, environment="production"))
    await services_of(app).auth.register(ADMIN, PASSWORD, role="admin")
    await services_of(app).stop()


def probe(database_url: str, **env: str) -> dict[str, Any]:
    asyncio.run(create_admin(database_url))
    environ = clean_environ("REDIS_URL")
    environ.update(
        {
            "ENVIRONMENT": "production",
            "SECRET_KEY": SECRET,
            "DATABASE_URL": database_url,
            "DOCS_ENABLED": "true",
            "RATE_LIMIT_AUTH": "1000/minute",
            "LOG_LEVEL": "WARNING",
            "AWS_LAMBDA_FUNCTION_NAME": "load-probe",
            **env,
        }
    )
    result = subprocess.run(
        [sys.executable, str(PROBE), str(API), ADMIN, PASSWORD],
        capture_output=True,
        text=True,
        env=environ,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def check_complete(data: dict[str, Any], kind: str, with_redis: bool, legacy_bcrypt: bool = False) -> None:
    assert {k: data["statuses"].get(k) for k in STATUSES} == STATUSES
    loaded, after = set(data["loaded"]), set(data["after"])
    new = after - loaded
    assert sorted(m for m in new if m.split(".")[0] in OURS) == []
    assert sorted(m for m in new if m.split(".")[0] in top_level_packages()) == []
    # No route is built on a request either: FastAPI would build an included router's routes on the
    # first request reaching it, and an error in their analysis would be that request's 500.
    assert data["built"] == []
    expected = backend_modules() - NOT_LOADED[kind] - (set() if with_redis else WITHOUT_REDIS) - WITHOUT_TRACING
    assert sorted(expected - loaded) == []
    assert sorted((NOT_LOADED[kind] | WITHOUT_TRACING) & after) == []
    for package in ("jose", "argon2", "python_multipart", "mangum"):
        assert package in loaded, package
    for package in ("bcrypt", "passlib"):  # legacy hashes: PASSWORD_LEGACY_BCRYPT alone needs them
        assert (package in loaded) is legacy_bcrypt and (package in after) is legacy_bcrypt, package
    driver, other = ("aiosqlite", "asyncpg") if kind == "sqlite" else ("asyncpg", "aiosqlite")
    assert driver in loaded and other not in after
    for package in ("redis", "limits"):  # the shared cache and rate limiter: REDIS_URL alone needs them
        assert (package in loaded) is with_redis and (package in after) is with_redis, package


def test_after_the_load_no_route_imports_anything(database_url: str) -> None:
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    check_complete(probe(database_url), kind, with_redis=False)


def test_with_legacy_bcrypt_bcrypt_is_loaded_too(tmp_path: Path) -> None:
    data = probe(f"sqlite:///{tmp_path}/bcrypt.sqlite3", PASSWORD_LEGACY_BCRYPT="true")
    check_complete(data, "sqlite", with_redis=False, legacy_bcrypt=True)


def test_with_redis_url_redis_is_loaded_too(tmp_path: Path) -> None:
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        unavailable(f"no Redis at 127.0.0.1:6379 ({type(exc).__name__})")
    prefix = f"load-{uuid.uuid4().hex[:12]}"
    try:
        data = probe(f"sqlite:///{tmp_path}/redis.sqlite3", REDIS_URL=url, REDIS_KEY_PREFIX=prefix)
    finally:
        client = redis.Redis.from_url(url, socket_timeout=2)
        keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()
    check_complete(data, "sqlite", with_redis=True)


def test_lazy_load_imports_nothing_then_everything_on_its_first_request(tmp_path: Path) -> None:
    data = probe(f"sqlite:///{tmp_path}/lazy.sqlite3", BACKEND_LOAD="lazy")
    heavy = ("fastapi", "starlette", "pydantic", "mangum", "backend_app")
    assert [m for m in data["imported"] if m.split(".")[0] in heavy] == []
    check_complete(data, "sqlite", with_redis=False)


@pytest.mark.anyio
async def test_openapi_lists_the_routers_in_their_order_and_the_password_flow(tmp_path: Path) -> None:
    app = create_app(make_settings(f"sqlite:///{tmp_path}/docs.sqlite3", docs_enabled=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        schema = (await client.get("/api/openapi.json")).json()
    await services_of(app).stop()
    declared = [route.path for router in ROUTERS for route in router.routes]
    assert list(schema["paths"]) == list(dict.fromkeys(declared))
    # The template's own paths, in order; a project's routers may come before, between or after them.
    own = [
        "/api/health",
        "/api/status",
        "/api/status/feed",
        "/api/auth/register",
        "/api/auth/login",
        "/api/auth/refresh",
        "/api/auth/logout",
        "/api/users/me",
        "/api/users/me/password",
        "/api/admin/users",
        "/api/admin/users/{user_id}",
    ]
    assert [path for path in schema["paths"] if path in own] == own
    login = schema["paths"]["/api/auth/login"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(login)
    flows = next(iter(schema["components"]["securitySchemes"].values()))["flows"]
    assert flows["password"]["tokenUrl"] == "/api/auth/login"
    me = schema["paths"]["/api/users/me"]["get"]["responses"]["200"]["content"]["application/json"]
    assert me["schema"] == {"$ref": "#/components/schemas/UserOut"}
