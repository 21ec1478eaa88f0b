"""Schemathesis against /api/openapi.json, driving the ASGI app in-process: no 5xx, every response
matches the schema (statuses, content types, bodies), and every operation answers 2xx at least once.

When the schema has the auth routes, operations run as a signed-in user (an admin for /api/admin)
and every other example of an operation that needs a real value gets one (a known password, a live
refresh token, an existing user id), so it is exercised past the 401/404 and not only rejected.
Operations that end a session (logout, password change) get a fresh login each time, so the
shared user's token keeps working. The per-address rate limit is off here: tests/backend/services test it
and would turn most examples into 429s.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections import defaultdict
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance

from backend_app.core.config import Settings
from backend_app.services.container import services_of
from tests.support.callers import make_caller

# The status feed runs until a second before the request timeout: half a second per call here.
SETTINGS: dict[str, Any] = {"rate_limit_enabled": False, "request_timeout_s": 1.5}
if "database_url" in Settings.model_fields:  # the auth routes are part of this build
    SETTINGS.update(
        database_url=f"sqlite:///{tempfile.mkdtemp(prefix='fuzz-api-')}/app.sqlite3",
        secret_key="fuzz-secret-key-0123456789abcdef-0123456789",
    )
SETTINGS = {name: value for name, value in SETTINGS.items() if name in Settings.model_fields}
# Module level: schemathesis 4.32's `from_fixture` does not run under pytest 9 (it reads `Function._nodeid`).
APP = make_caller("asgi", **SETTINGS).gate
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)
PATHS = set(schema.raw_schema["paths"])
HAS_AUTH = "/api/auth/register" in PATHS
PASSWORD = "fuzz password 0123"
STATUSES: dict[str, set[int]] = defaultdict(set)
COUNTER = itertools.count()


class Users:
    """Accounts made through the API itself (and one promoted to admin through the auth service)."""

    def __init__(self) -> None:
        self.client = asgi.get_client(APP)  # schemathesis' own in-process client: the same event loop
        self.user = self.account("user")
        self.admin = self.account("admin", admin=True)
        self.victim = self.account("victim")

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.request(method, f"http://{asgi.HOST}{path}", **kwargs)
        assert response.status_code < 300, (path, response.status_code, response.text)
        return response.json() if response.content else None

    def account(self, name: str, *, admin: bool = False) -> dict[str, str]:
        email = f"{name}-{next(COUNTER)}@example.com"
        created = self.request("POST", "/api/auth/register", json={"email": email, "password": PASSWORD})
        if admin:
            portal = asgi._get_portal()  # the loop the app runs on (schemathesis keeps one for all requests)
            services = services_of(APP.loaded.backend)  # type: ignore[union-attr,arg-type]
            portal.call(promote, services.auth, created["id"])
        tokens = self.request("POST", "/api/auth/login", json={"email": email, "password": PASSWORD})
        return {"id": created["id"], "email": email, **tokens}

    def fresh(self) -> dict[str, str]:
        return self.account("fresh")


async def promote(auth: Any, user_id: str) -> None:
    async with auth.database.transaction() as conn:
        await auth.users.update(conn, user_id, "admin", True)


USERS: list[Users] = []


def users() -> Users:
    if not USERS:
        USERS.append(Users())
    return USERS[0]


def bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def prepare(case: Any) -> dict[str, str]:
    """Headers for this case, and real values put into every other example that needs one."""
    if not HAS_AUTH:
        return {}
    accounts = users()
    operation = f"{case.method.upper()} {case.path}"
    real = next(COUNTER) % 2 == 0
    headers = bearer(accounts.admin if case.path.startswith("/api/admin") else accounts.user)
    if operation == "POST /api/auth/login" and real:
        if case.media_type == "application/x-www-form-urlencoded":
            case.body = {"username": accounts.user["email"], "password": PASSWORD}
        else:
            case.body = {"email": accounts.user["email"], "password": PASSWORD}
    elif operation == "POST /api/auth/refresh" and real:
        case.body = {"refresh_token": accounts.fresh()["refresh_token"]}
    elif operation in ("POST /api/auth/logout", "PATCH /api/users/me/password"):
        fresh = accounts.fresh()
        headers = bearer(fresh)
        if operation.startswith("PATCH") and real and isinstance(case.body, dict):
            case.body = {**case.body, "current_password": PASSWORD}
    elif operation == "PATCH /api/admin/users/{user_id}" and real:
        case.path_parameters = {**(case.path_parameters or {}), "user_id": accounts.victim["id"]}
    return headers


@schema.parametrize()
@settings(
    max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=os.environ.get("CI") == "true"
)
def test_api_conforms_to_its_schema(case: Any) -> None:
    headers = prepare(case)
    # Not `positive_data_acceptance`: JSON Schema's `\s` (ECMAScript) and pydantic's (Rust regex)
    # disagree on U+0085 and U+FEFF, so an email "valid" by the published pattern can get a 422.
    # The responses are still checked in full; only that request-side verdict is left out.
    response = case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
    STATUSES[f"{case.method.upper()} {case.path}"].add(response.status_code)
    assert response.status_code < 500


def test_every_operation_answered_2xx() -> None:
    operations = {f"{op.method.upper()} {op.path}" for op in (r.ok() for r in schema.get_all_operations())}
    assert operations and operations <= set(STATUSES), operations - set(STATUSES)
    missing = {op for op in operations if not any(200 <= s < 300 for s in STATUSES[op])}
    assert not missing, {op: STATUSES[op] for op in missing}
    assert HAS_AUTH == ("database_url" in Settings.model_fields)  # the user fixture ran when it could
