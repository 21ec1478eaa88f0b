"""A cold /api/health imports no auth machinery; the first other request adds the routes (and the docs see them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest

from backend_app.main import create_app
from tests.auth.conftest import SECRET, make_settings
from tests.auth.events import event
from tests.auth.helpers import ROOT

PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import index
response = index.handler(json.loads(sys.argv[2]), None)
print(json.dumps({"status": response["statusCode"], "modules": sorted(sys.modules)}))
"""
# python-multipart is not listed: Starlette imports it (~2 ms) whenever it is installed.
HEAVY = ("jose", "passlib", "argon2", "bcrypt", "asyncpg", "aiosqlite", "pydantic.v1", "backend_app.routes.auth",
         "backend_app.schemas")  # fmt: skip


def test_cold_health_imports_no_driver_hasher_jwt_or_auth_routes(tmp_path: object) -> None:
    env = {**os.environ, "ENVIRONMENT": "production", "SECRET_KEY": SECRET, "AWS_LAMBDA_FUNCTION_NAME": "cold",
           "DATABASE_URL": f"sqlite:///{tmp_path}/cold.sqlite3", "REDIS_URL": ""}  # fmt: skip
    health = json.dumps(event("http", "GET", "/api/health"))
    result = subprocess.run([sys.executable, "-c", PROBE, str(ROOT / "api"), health],
                            capture_output=True, text=True, env=env, timeout=120, check=True)  # fmt: skip
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["status"] == 200 and "backend_app.auth_setup" in data["modules"]
    loaded = [m for m in data["modules"] if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert loaded == []


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
