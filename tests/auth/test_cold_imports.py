"""A cold /api/health imports no auth machinery; a cold GET /api/users/me only what it uses; the docs see every route.

Measured with `python -X importtime` and bench/auth_cold_start.py: pydantic.v1 ~35 ms,
the other routers and their eight models ~20 ms, anyio's worker-thread machinery ~10 ms.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest
from starlette.routing import Match

from backend_app.auth_setup import ALONE, ROUTE_MODULES
from backend_app.main import create_app
from tests.auth.conftest import PASSWORD, SECRET, make_settings
from tests.auth.events import event
from tests.auth.helpers import ROOT

PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import index
response = index.handler(json.loads(sys.argv[2]), None)
print(json.dumps({"status": response["statusCode"], "body": response["body"], "modules": sorted(sys.modules)}))
"""
# python-multipart is not listed: Starlette imports it (~2 ms) whenever it is installed.
HEAVY = ("asyncpg", "aiosqlite", "pydantic.v1", "backend_app.routes.auth", "backend_app.schemas")


# What the first GET /api/users/me needs besides: jose, the SQLite driver, the users router and UserOut.
NOT_FOR_ME = ("asyncpg", "pydantic.v1", "backend_app.routes.auth",
              "backend_app.routes.admin", "backend_app.routes.password", "backend_app.schemas.auth",
              "backend_app.schemas.admin", "anyio.streams")  # fmt: skip


def _loaded(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)]


def _cold(tmp_path: object, request: dict[str, Any]) -> dict[str, Any]:
    env = {**os.environ, "ENVIRONMENT": "production", "SECRET_KEY": SECRET, "AWS_LAMBDA_FUNCTION_NAME": "cold",
           "DATABASE_URL": f"sqlite:///{tmp_path}/cold.sqlite3", "REDIS_URL": ""}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", PROBE, str(ROOT / "api"), json.dumps(request)],
                            capture_output=True, text=True, env=env, timeout=120, check=True)  # fmt: skip
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def test_cold_health_imports_no_driver_hasher_jwt_or_auth_routes(tmp_path: object) -> None:
    data = _cold(tmp_path, event("http", "GET", "/api/health"))
    modules: list[str] = data["modules"]
    assert data["status"] == 200 and "backend_app.auth_setup" in modules
    assert _loaded(modules, HEAVY) == []


@pytest.mark.anyio
async def test_a_cold_me_imports_no_hasher_other_routers_or_pydantic_v1(tmp_path: object) -> None:
    app = create_app(make_settings(f"sqlite:///{tmp_path}/cold.sqlite3", environment="production"))
    user = await app.state.auth.register("cold@example.com", PASSWORD)
    token, _ = app.state.auth.tokens.issue("access", user.id, user.token_version, "cold-session")
    await app.state.database.close()
    data = _cold(tmp_path, event("http", "GET", "/api/users/me", headers={"authorization": f"Bearer {token}"}))
    modules: list[str] = data["modules"]
    assert data["status"] == 200 and json.loads(data["body"])["email"] == "cold@example.com"
    assert "backend_app.routes.users" in modules and "jose" in modules
    assert _loaded(modules, NOT_FOR_ME) == []


def test_a_path_served_alone_matches_no_other_group_s_route(tmp_path: object) -> None:
    """`ALONE` is safe only while no route of another module can match its path (any method)."""
    for path, module in ALONE.items():
        scope = {"type": "http", "path": path, "root_path": "", "method": "GET"}
        for other in ROUTE_MODULES:
            if other == module:
                continue
            for route in importlib.import_module(other).router.routes:
                for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
                    match, _ = route.matches({**scope, "method": method})
                    assert match == Match.NONE, (path, other, route.path)


@pytest.mark.anyio
async def test_routes_keep_one_order_whichever_request_comes_first(tmp_path: object) -> None:
    schemas = []
    for first in ("/api/users/me", "/api/auth/refresh", "/api/openapi.json"):
        app = create_app(make_settings(f"sqlite:///{tmp_path}/order.sqlite3", docs_enabled=True))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            await client.get(first)
            schemas.append((await client.get("/api/openapi.json")).json())
        await app.state.database.close()
    assert schemas[0] == schemas[1] == schemas[2]
    assert list(schemas[0]["paths"]) == ["/api/health", "/api/status", "/api/auth/register", "/api/auth/login",
                                         "/api/auth/refresh", "/api/auth/logout", "/api/users/me",
                                         "/api/users/me/password", "/api/admin/users",
                                         "/api/admin/users/{user_id}"]  # fmt: skip
    me = schemas[0]["paths"]["/api/users/me"]["get"]["responses"]["200"]["content"]["application/json"]
    assert me["schema"] == {"$ref": "#/components/schemas/UserOut"}
    assert set(schemas[0]["components"]["schemas"]["UserOut"]["required"]) == {"id", "email", "role", "active",
                                                                                 "created_at"}  # fmt: skip


@pytest.mark.anyio
async def test_openapi_lists_the_auth_routes_and_the_password_flow(tmp_path: object) -> None:
    app = create_app(make_settings(f"sqlite:///{tmp_path}/docs.sqlite3", docs_enabled=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        schema = (await client.get("/api/openapi.json")).json()
    assert {"/api/auth/register", "/api/auth/login", "/api/users/me", "/api/admin/users/{user_id}"} <= set(
        schema["paths"]
    )
    login = schema["paths"]["/api/auth/login"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(login)
    flows = next(iter(schema["components"]["securitySchemes"].values()))["flows"]
    assert flows["password"]["tokenUrl"] == "/api/auth/login"
