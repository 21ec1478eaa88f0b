"""Security headers on every response, through every entry, from the backend and the fallback."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest

from tests.support.callers import crash_route, make_caller
from tests.support.lambda_context import REQUEST_ID, lambda_context

BASE = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def assert_hardened(headers: dict[str, str], *, production: bool = False) -> None:
    for name, value in BASE.items():
        assert headers.get(name) == value, (name, headers)
    assert "camera=()" in headers["permissions-policy"]
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    if production:
        assert headers["strict-transport-security"].startswith("max-age=")
    else:
        assert "strict-transport-security" not in headers


def assert_strict_csp(headers: dict[str, str]) -> None:
    directives = dict(d.strip().split(" ", 1) for d in headers["content-security-policy"].split(";"))
    assert directives["default-src"] == "'none'"
    assert not any(key.startswith(("script-src", "style-src")) for key in directives)


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/health"), ("GET", "/api/nope"), ("DELETE", "/api/health")])
def test_backend_answers_and_errors_carry_every_header(entry: str, method: str, path: str) -> None:
    reply = make_caller(entry).request(method, path)
    assert reply.status == {"/api/health": 200 if method == "GET" else 405}.get(path, 404)
    assert_hardened(reply.headers)
    assert_strict_csp(reply.headers)


@pytest.mark.parametrize("path", ["/api/health", "/api/status", "/api/users"])
def test_fallback_answers_carry_every_header(entry: str, path: str) -> None:
    reply = make_caller(entry, broken=True).request("GET", path)
    assert reply.status == {"/api/status": 200}.get(path, 503)
    assert reply.json().get("backend_loaded", False) is False
    assert_hardened(reply.headers)
    assert_strict_csp(reply.headers)


@pytest.mark.parametrize("broken", [False, True])
def test_hsts_only_in_production(entry: str, broken: bool) -> None:
    production = make_caller(entry, {"ENVIRONMENT": "production"}, broken=broken).request("GET", "/api/nope")
    assert_hardened(production.headers, production=True)
    local = make_caller(entry, {"ENVIRONMENT": "development"}, broken=broken).request("GET", "/api/nope")
    assert_hardened(local.headers, production=False)


def test_lambda_entry_own_answers_carry_the_headers() -> None:
    caller = make_caller("rest", {"ENVIRONMENT": "production"})
    raw = caller.handler({"requestContext": {"connectionId": "abc", "eventType": "MESSAGE"}}, lambda_context())
    assert raw["statusCode"] == 400
    headers = {k.lower(): v for k, v in raw["headers"].items()}
    assert headers["x-request-id"] == REQUEST_ID
    assert_hardened(headers, production=True)
    bad = caller.handler({"httpMethod": "GET", "path": "no-slash", "requestContext": {}}, lambda_context())
    assert bad["statusCode"] == 400
    assert_hardened({k.lower(): v for k, v in bad["headers"].items()}, production=True)


def test_app_headers_are_kept() -> None:
    def add_route(app: object) -> None:
        from fastapi import FastAPI
        from fastapi.responses import PlainTextResponse

        assert isinstance(app, FastAPI)

        @app.get("/api/framed")
        async def framed() -> PlainTextResponse:
            return PlainTextResponse("ok", headers={"X-Frame-Options": "SAMEORIGIN"})

    reply = make_caller("asgi", extra=add_route).request("GET", "/api/framed")
    assert reply.headers["x-frame-options"] == "SAMEORIGIN"
    assert reply.headers["x-content-type-options"] == "nosniff"


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.images: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            if values.get("src"):
                self.scripts.append(values["src"] or "")
            else:
                self.inline_scripts.append("")
                self._in_inline_script = True
        elif tag == "link" and values.get("rel") == "stylesheet":
            self.styles.append(values.get("href") or "")
        elif tag == "link" and "icon" in (values.get("rel") or ""):
            self.images.append(values.get("href") or "")

    def handle_data(self, data: str) -> None:
        if self._in_inline_script:
            self.inline_scripts[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False


def inline_allowed(directives: dict[str, str], scripts: list[str]) -> bool:
    """Every inline script allowed by its hash, as a browser computes it, and nothing else inline."""
    sources = directives["script-src"].split()
    digests = {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts}
    return bool(scripts) and digests <= set(sources) and "'unsafe-inline'" not in sources


def _allows(sources: str, url: str) -> bool:
    if url.startswith("/") and not url.startswith("//"):
        return "'self'" in sources.split()
    origin = re.match(r"https://[^/]+", url)
    return origin is not None and origin.group(0) in sources.split()


@pytest.mark.parametrize("entry_name", ["asgi", "rest", "http"])
def test_docs_page_gets_a_policy_that_lets_it_load(entry_name: str) -> None:
    caller = make_caller(entry_name)
    page = caller.request("GET", "/api/docs")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert_hardened(page.headers)
    directives = dict(d.strip().split(" ", 1) for d in page.headers["content-security-policy"].split(";"))
    found = _Resources()
    found.feed(page.body.decode())
    # Every resource the page loads is allowed by its own policy, the inline bootstrap included.
    assert found.scripts and all(_allows(directives["script-src"], src) for src in found.scripts)
    assert found.styles and all(_allows(directives["style-src"], href) for href in found.styles)
    assert all(_allows(directives["img-src"], href) for href in found.images)
    assert inline_allowed(directives, found.inline_scripts)
    assert "'self'" in directives["connect-src"]  # the page fetches /api/openapi.json
    # swagger-ui comes from the app itself: the policy names no other origin, the page loads offline.
    assert "https:" not in page.headers["content-security-policy"]
    for src in [*found.scripts, *found.styles, *found.images]:
        asset = caller.request("GET", src)
        assert asset.status == 200 and len(asset.body) > 1000, src
        assert asset.headers["content-type"].split(";")[0] in ("text/javascript", "text/css", "image/png"), src
    # ...and the schema it fetches is an API response again, under the strict policy.
    schema = caller.request("GET", "/api/openapi.json")
    assert schema.status == 200
    assert_strict_csp(schema.headers)
    # The OAuth2 redirect page (the Authorize button's return) is one inline script, allowed the same way.
    redirect = caller.request("GET", "/api/docs/oauth2-redirect")
    assert redirect.status == 200
    assert_hardened(redirect.headers)
    directives = dict(d.strip().split(" ", 1) for d in redirect.headers["content-security-policy"].split(";"))
    found = _Resources()
    found.feed(redirect.body.decode())
    assert inline_allowed(directives, found.inline_scripts)


def test_lambda_at_edge_rejections_are_in_cloudfronts_shape_and_hardened() -> None:
    raw = make_caller("rest").handler({"Records": [{"cf": {"request": {"uri": "/"}}}]}, lambda_context())
    assert raw["status"] == "400"
    headers = {name: values[0]["value"] for name, values in raw["headers"].items()}
    assert headers["x-request-id"] == REQUEST_ID
    assert_hardened(headers)


def test_unhandled_errors_carry_every_header(entry: str) -> None:
    reply = make_caller(entry, extra=crash_route).request("GET", "/api/crash")
    assert reply.status == 500 and reply.json()["error"]["code"] == "internal_error"
    assert_hardened(reply.headers)
    assert_strict_csp(reply.headers)
