"""The canary: one secret string in every secret setting, an Authorization header, a cookie and a
password field. It must appear in no response and no log line, raw, URL-encoded or base64-encoded;
the same captured logs contain every request's id, so an empty capture cannot pass."""

from __future__ import annotations

import base64
import json
import os
import typing
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field, SecretStr

from backend_app.core.config import Settings
from tests.hardening.conftest import ENTRIES, Reply, make_caller

CANARY = "Canary-7f3a9e/b+Q=zkX2-9d41c0"


# Secrets that must parse as URLs carry the canary as their password (URL-encoded, as a URL must).
URL_SECRETS = {"REDIS_URL": "redis://:{password}@127.0.0.1:6379/15"}


def secret_settings() -> dict[str, str]:
    """Every settings field typed SecretStr, as its environment variable name, set to the canary."""
    hints = typing.get_type_hints(Settings)
    names = sorted(name.upper() for name in Settings.model_fields if "SecretStr" in str(hints[name]))
    return {name: URL_SECRETS.get(name, "{raw}").format(password=quote(CANARY, safe=""), raw=CANARY) for name in names}


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
    ]


@pytest.mark.parametrize("broken", [False, True])
def test_canary_never_leaks(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], broken: bool) -> None:
    env = secret_settings()
    assert "DIAGNOSTICS_TOKEN" in env and "REDIS_URL" in env
    env.update(CORS_ORIGINS="https://app.example.com", DEBUG="true")  # DEBUG: the fallback shows its traceback
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
