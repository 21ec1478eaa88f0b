"""CORS from CORS_ORIGINS and CORS_ORIGIN_REGEX, the same through every entry and in the fallback."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from failsafe.policies.cors import CORSPolicy
from tests.support.callers import crash_route, make_caller

EXACT = "https://app.example.com"
PREVIEW = "https://myapp-git-feature-x.vercel.app"
ENV = {
    "CORS_ORIGINS": f"{EXACT}, https://admin.example.com",
    "CORS_ORIGIN_REGEX": r"https://myapp-[a-z0-9-]+\.vercel\.app",
    "CORS_MAX_AGE_S": "1234",
}
PREFLIGHT = {"access-control-request-method": "POST", "access-control-request-headers": "content-type, authorization"}


def vary(headers: dict[str, str]) -> list[str]:
    return [item.strip().lower() for item in headers.get("vary", "").split(",") if item.strip()]


@pytest.mark.parametrize("broken", [False, True])
@pytest.mark.parametrize("path", ["/api/health", "/api/nope"])
def test_exact_origin_gets_credentials(entry: str, broken: bool, path: str) -> None:
    reply = make_caller(entry, ENV, broken=broken).request("GET", path, {"origin": EXACT})
    assert reply.headers["access-control-allow-origin"] == EXACT
    assert reply.headers["access-control-allow-credentials"] == "true"
    assert "x-request-id" in reply.headers["access-control-expose-headers"]
    assert "origin" in vary(reply.headers)


@pytest.mark.parametrize("broken", [False, True])
def test_regex_origin_is_allowed_without_credentials(entry: str, broken: bool) -> None:
    reply = make_caller(entry, ENV, broken=broken).request("GET", "/api/health", {"origin": PREVIEW})
    assert reply.headers["access-control-allow-origin"] == PREVIEW
    assert "access-control-allow-credentials" not in reply.headers
    assert "origin" in vary(reply.headers)


@pytest.mark.parametrize("broken", [False, True])
@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "https://myapp-x.vercel.app.evil.example", "https://app.example.com.evil", "null"],
)
def test_disallowed_origin_gets_no_allow_origin(entry: str, broken: bool, origin: str) -> None:
    caller = make_caller(entry, ENV, broken=broken)
    reply = caller.request("GET", "/api/health", {"origin": origin})
    assert reply.status == (503 if broken else 200)  # the request is served; the browser withholds it
    assert not any(name.startswith("access-control-") for name in reply.headers)
    assert "origin" in vary(reply.headers)
    preflight = caller.request("OPTIONS", "/api/health", {"origin": origin, **PREFLIGHT})
    assert preflight.status == 400
    assert preflight.json()["error"]["code"] == "cors_origin_not_allowed"
    assert "access-control-allow-origin" not in preflight.headers


@pytest.mark.parametrize("broken", [False, True])
@pytest.mark.parametrize(("origin", "credentials"), [(EXACT, True), (PREVIEW, False)])
def test_preflight(entry: str, broken: bool, origin: str, credentials: bool) -> None:
    reply = make_caller(entry, ENV, broken=broken).request("OPTIONS", "/api/anything", {"origin": origin, **PREFLIGHT})
    assert reply.status == 204
    assert reply.headers["access-control-allow-origin"] == origin
    assert reply.headers["access-control-max-age"] == "1234"
    assert "POST" in reply.headers["access-control-allow-methods"]
    assert {"content-type", "authorization"} <= set(reply.headers["access-control-allow-headers"].split(", "))
    assert ("access-control-allow-credentials" in reply.headers) is credentials
    assert "origin" in vary(reply.headers)
    assert reply.headers["x-content-type-options"] == "nosniff"  # preflights are hardened too


def test_no_cors_configured_means_no_cors_headers(entry: str) -> None:
    reply = make_caller(entry).request("GET", "/api/health", {"origin": EXACT})
    assert reply.status == 200
    assert not any(name.startswith("access-control-") for name in reply.headers)


def _vary_route(app: Any) -> None:
    assert isinstance(app, FastAPI)

    @app.get("/api/negotiated")
    async def negotiated() -> JSONResponse:
        headers = {"Vary": "Accept-Encoding, Accept", "Access-Control-Allow-Origin": "*"}
        return JSONResponse({"ok": True}, headers=headers)


def test_vary_is_merged_and_the_app_cannot_widen_cors(entry: str) -> None:
    caller = make_caller(entry, ENV, extra=_vary_route)
    allowed = caller.request("GET", "/api/negotiated", {"origin": EXACT})
    assert vary(allowed.headers) == ["accept-encoding", "accept", "origin"]
    assert allowed.headers["access-control-allow-origin"] == EXACT
    denied = caller.request("GET", "/api/negotiated", {"origin": "https://evil.example"})
    assert vary(denied.headers) == ["accept-encoding", "accept", "origin"]
    assert "access-control-allow-origin" not in denied.headers


def test_invalid_max_age_is_refused() -> None:
    with pytest.raises(ValueError, match="max_age_s"):
        CORSPolicy([EXACT], max_age_s=-1)


def test_invalid_regex_leaves_the_fallback_answering(entry: str) -> None:
    env = {**ENV, "CORS_ORIGIN_REGEX": "https://(unclosed"}
    reply = make_caller(entry, env, broken=True).request("GET", "/api/status", {"origin": EXACT})
    assert reply.status == 200
    assert reply.json()["backend_loaded"] is False


def test_a_crash_is_readable_by_an_allowed_origin(entry: str) -> None:
    # Without CORS headers a browser reports the 500 as a network error and the client never sees
    # the envelope's request id.
    reply = make_caller(entry, ENV, extra=crash_route).request("GET", "/api/crash", {"origin": EXACT})
    assert reply.status == 500 and reply.json()["error"]["code"] == "internal_error"
    assert reply.headers["access-control-allow-origin"] == EXACT
    assert "origin" in vary(reply.headers)
