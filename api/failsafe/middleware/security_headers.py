"""Security headers on every response: the app's, errors, 404s, CORS preflights and the fallback's.

The API answers JSON, so its Content-Security-Policy allows nothing at all (`default-src 'none'`):
a response that some browser renders anyway can run no script and load nothing. The Swagger page
(`/api/docs`) is the one HTML page; FastAPI builds it from swagger-ui on cdn.jsdelivr.net plus an
inline script whose text depends on the stage prefix, so it gets a policy of its own that allows
exactly that. HSTS only in production: on a local http:// server it would pin the browser to https.
Headers the app set itself are kept: a route that needs another policy says so.
"""

from __future__ import annotations

from failsafe.asgi import ASGIApp, Message, Receive, Scope, Send

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_CDN = "https://cdn.jsdelivr.net"
# swagger-ui's inline bootstrap script and inline styles need 'unsafe-inline'; its icons are data: URLs.
DOCS_CSP = (
    f"default-src 'none'; script-src 'self' 'unsafe-inline' {DOCS_CDN}; style-src 'self' 'unsafe-inline' {DOCS_CDN}; "
    "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; font-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
PERMISSIONS_POLICY = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), microphone=(), payment=(), usb=()"
HSTS = "max-age=63072000; includeSubDomains"
DOCS_PATHS = ("/api/docs", "/api/docs/oauth2-redirect")


def common_headers(*, production: bool) -> list[tuple[bytes, bytes]]:
    """The headers every response carries, CSP aside (also used by the Lambda entry's own answers)."""
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if production:
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


def api_headers(*, production: bool) -> list[tuple[bytes, bytes]]:
    return [*common_headers(production=production), (b"content-security-policy", API_CSP.encode())]


def is_docs_path(path: str) -> bool:
    # Matched on the end of the path: a stage (`/prod`) or API_BASE_PATH may come in front.
    trimmed = path.rstrip("/")
    return any(trimmed.endswith(docs) for docs in DOCS_PATHS)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, production: bool) -> None:
        self.app = app
        self.api = api_headers(production=production)
        self.docs = [*common_headers(production=production), (b"content-security-policy", DOCS_CSP.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = self.docs if is_docs_path(scope.get("path") or "/") else self.api

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in added if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
