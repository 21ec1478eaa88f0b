"""The canary: one secret string in every secret setting, an Authorization header, a cookie and a
password field. It must appear in no response and no log line, raw, URL-encoded or base64-encoded;
the same captured logs contain every request's id, so an empty capture cannot pass.

With the auth routes in the build, the canary is also the password of a real account on
a scratch PostgreSQL database (whose DATABASE_URL carries it as its password too): registered,
logged in with JSON and with the form, and changed.
"""

from __future__ import annotations

import base64
import json
import os
import typing
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, quote_plus, urlencode, urlsplit, urlunsplit

import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field, SecretStr

from backend_app.core.config import Settings
from tests.support.callers import ENTRIES, make_caller
from tests.support.replies import Reply
from tests.support.unavailable import unavailable

CANARY = "Canary-7f3a9e/b+Q=zkX2-9d41c0"


HAS_AUTH = "database_url" in Settings.model_fields
# Secrets that must parse as URLs carry the canary as their password (URL-encoded, as a URL must).
URL_SECRETS = {"REDIS_URL": "redis://:{password}@127.0.0.1:6379/15", "DATABASE_URL": "{database}"}
# A PEM private key cannot hold an arbitrary string, and it must come with its public key.
STRUCTURED = {"JWT_PRIVATE_KEY"}


def secret_settings(database: str) -> dict[str, str]:
    """Every settings field typed SecretStr, as its environment variable name, set to the canary."""
    hints = typing.get_type_hints(Settings)
    names = sorted(name.upper() for name in Settings.model_fields if "SecretStr" in str(hints[name]))
    values = {"password": quote(CANARY, safe=""), "raw": CANARY, "database": database}
    return {name: URL_SECRETS.get(name, "{raw}").format(**values) for name in names if name not in STRUCTURED}


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A migrated scratch PostgreSQL database whose URL has the canary as its password (trust auth ignores it)."""
    if not HAS_AUTH:
        yield ""
        return
    from tests.support import postgres

    problem = postgres.server_problem()
    if problem:
        unavailable(f"{problem}; the canary runs against a real PostgreSQL")
    name, url = postgres.create_database()
    parts = urlsplit(url)
    user = parts.username or "postgres"
    netloc = f"{user}:{quote(CANARY, safe='')}@{parts.hostname}:{parts.port or 5432}"
    yield urlunsplit(parts._replace(netloc=netloc))
    postgres.drop_database(name)


def encodings(secret: str) -> set[str]:
    raw = secret.encode()
    forms = {secret, quote(secret, safe=""), quote_plus(secret), quote(secret)}
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        for shift in range(3):  # base64 of a longer text holds the secret at one of three alignments
            text = encode(b"\0" * shift + raw).decode()
            forms.add(text[4 : len(text) - 4])
    return forms


class Login(BaseModel):
    email: str
    password: str = Field(min_length=64)  # the canary is shorter: a validation error that must not echo it


def canary_routes(app: Any) -> None:
    assert isinstance(app, FastAPI)

    @app.post("/api/canary/login")
    async def login(body: Login) -> dict[str, str]:
        return {"email": body.email}

    @app.get("/api/canary/crash")
    async def crash() -> None:
        # Drivers put DSNs and tokens into their messages; the traceback in the log must not carry them.
        raise RuntimeError(f"connect to postgresql://app:{CANARY}@db:5432/x failed; token {CANARY} rejected")


def requests_to_make(caller: Any) -> list[Reply]:
    auth = {"authorization": f"Bearer {CANARY}", "cookie": f"session={CANARY}; theme=dark"}
    body = json.dumps({"email": "user@example.com", "password": CANARY}).encode()
    json_type = {"content-type": "application/json"}
    return [
        caller.request("GET", "/api/health", auth),
        caller.request("GET", "/api/status", {**auth, "x-diagnostics-token": CANARY}),
        caller.request("GET", "/api/nope", auth),
        caller.request("POST", "/api/canary/login", {**auth, **json_type}, body),
        caller.request("POST", "/api/canary/login", json_type, body[:-3]),  # invalid JSON
        caller.request("GET", "/api/canary/crash", auth),
        caller.request(
            "OPTIONS",
            "/api/health",
            {**auth, "origin": "https://evil.example", "access-control-request-method": "POST"},
        ),
        *(auth_requests(caller) if HAS_AUTH else []),
    ]


def auth_requests(caller: Any) -> list[Reply]:
    """The canary as a real account's password: sign up, log in (JSON, form, wrong), change it."""
    email = f"canary-{uuid.uuid4().hex[:12]}@example.com"
    json_type = {"content-type": "application/json"}
    form_type = {"content-type": "application/x-www-form-urlencoded"}
    credentials = json.dumps({"email": email, "password": CANARY}).encode()
    replies = [
        caller.request("POST", "/api/auth/register", json_type, credentials),
        caller.request("POST", "/api/auth/login", json_type, credentials),
        caller.request(
            "POST", "/api/auth/login", form_type, urlencode({"username": email, "password": CANARY}).encode()
        ),
        caller.request("POST", "/api/auth/login", json_type, credentials.replace(b"Canary", b"Wrong")),
        caller.request("GET", "/api/users/me", {"authorization": f"Bearer {CANARY}"}),
    ]
    token = replies[1].json()["access_token"] if replies[1].status == 200 else "none"
    change = json.dumps({"current_password": CANARY, "new_password": CANARY + "!"}).encode()
    replies.append(
        caller.request("PATCH", "/api/users/me/password", {"authorization": f"Bearer {token}", **json_type}, change)
    )
    loaded = caller.gate.loaded is not None and caller.gate.loaded.backend is not None
    expected = [201, 200, 200, 401, 401, 204] if loaded else [503] * 6
    assert [reply.status for reply in replies] == expected, [r.body[:200] for r in replies]
    return replies


@pytest.mark.parametrize("broken", [False, True])
def test_canary_never_leaks(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], database: str, broken: bool
) -> None:
    env = secret_settings(database)
    assert "DIAGNOSTICS_TOKEN" in env and "REDIS_URL" in env
    # DEBUG: the fallback shows its traceback; no per-address limit: 4 entries x 6 auth calls from one address
    env.update(CORS_ORIGINS="https://app.example.com", DEBUG="true", RATE_LIMIT_ENABLED="false")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    replies: list[Reply] = []
    for entry in ENTRIES:
        caller = make_caller(entry, dict(os.environ), broken=broken, extra=canary_routes)
        replies += requests_to_make(caller)
    logs = capfd.readouterr().err
    statuses = {reply.status for reply in replies}
    assert statuses >= ({503, 200} if broken else {200, 400, 404, 422, 500})
    forms = encodings(CANARY)
    for reply in replies:
        text = reply.body.decode("utf-8", "replace") + json.dumps(reply.headers)
        assert not [form for form in forms if form in text], (reply.status, text[:2000])
    leaked = [line for line in logs.splitlines() if any(form in line for form in forms)]
    assert not leaked, leaked[:3]
    # The capture is real: every request's id is in it, with its log line.
    ids = {reply.headers["x-request-id"] for reply in replies}
    assert len(ids) >= 2 and all(request_id in logs for request_id in ids)
    assert os.environ["DIAGNOSTICS_TOKEN"] == CANARY and SecretStr  # the settings really held it
