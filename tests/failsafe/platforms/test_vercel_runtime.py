"""The hardening on Vercel's real Python runtime (vercel-runtime's uvicorn, driven over its IPC socket):
the same headers, limits and CORS as in-process, now through a real HTTP server."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from scripts.localplatform.vercel import VercelProcess
from tests.support.paths import ROOT

# SECRET_KEY: production (VERCEL_ENV) refuses to start the auth routes without one.
ENV = {
    "MAX_BODY_BYTES": "2048",
    "CORS_ORIGINS": "https://app.example.com",
    "CORS_MAX_AGE_S": "77",
    "SECRET_KEY": "hardening-test-secret-key-0123456789abcdef",
}


@pytest.fixture(scope="module")
def shim() -> Iterator[VercelProcess]:
    with VercelProcess(ROOT, env=ENV) as process:
        yield process


def test_headers_on_a_real_server_in_production(shim: VercelProcess) -> None:
    for path in ("/api/health", "/api/nope"):
        reply = shim.request("GET", path)
        assert reply.status == (200 if path == "/api/health" else 404)
        assert reply.header("x-content-type-options") == "nosniff"
        assert reply.header("x-frame-options") == "DENY"
        assert "default-src 'none'" in (reply.header("content-security-policy") or "")
        assert (reply.header("strict-transport-security") or "").startswith("max-age=")  # VERCEL_ENV=production


def test_declared_body_over_the_limit(shim: VercelProcess) -> None:
    reply = shim.request("POST", "/api/anything", {"content-type": "application/json"}, b"1" * 4096)
    assert reply.status == 413
    assert json.loads(reply.body)["error"]["code"] == "payload_too_large"
    assert (reply.header("x-request-id") or "").startswith("dev1::")


def test_preflight_on_a_real_server(shim: VercelProcess) -> None:
    headers = {"origin": "https://app.example.com", "access-control-request-method": "POST"}
    reply = shim.request("OPTIONS", "/api/health", headers)
    assert reply.status == 204
    assert reply.header("access-control-allow-origin") == "https://app.example.com"
    assert reply.header("access-control-allow-credentials") == "true"
    assert reply.header("access-control-max-age") == "77"
    denied = shim.request("OPTIONS", "/api/health", {**headers, "origin": "https://evil.example"})
    assert denied.status == 400 and denied.header("access-control-allow-origin") is None
