"""Security headers on every response: the app's, errors, 404s, CORS preflights and the fallback's.

The API answers JSON, so its Content-Security-Policy allows nothing at all (`default-src 'none'`):
a response that some browser renders anyway can run no script and load nothing. The Swagger page
(`/api/docs`) is the one HTML page; FastAPI builds it from swagger-ui on cdn.jsdelivr.net plus an
inline script whose text depends on the stage prefix, so it gets a policy of its own that allows
exactly that. HSTS only in production: on a local http:// server it would pin the browser to https.
Headers the app set itself are kept: a route that needs another policy says so.
"""

from __future__ import annotations

from failsafe.asgi import RawHeaders

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


def common_headers(*, production: bool) -> RawHeaders:
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


def api_headers(*, production: bool) -> RawHeaders:
    return [*common_headers(production=production), (b"content-security-policy", API_CSP.encode())]


def is_docs_path(path: str) -> bool:
    # Matched on the end of the path: a stage (`/prod`) or API_BASE_PATH may come in front.
    return path.rstrip("/").endswith(DOCS_PATHS)


class SecurityHeaders:
    """The headers for one response, computed once per process for each of the two policies."""

    def __init__(self, *, production: bool) -> None:
        self.api = api_headers(production=production)
        self.docs = [*common_headers(production=production), (b"content-security-policy", DOCS_CSP.encode())]

    def for_path(self, path: str) -> RawHeaders:
        """What to add to a response for `path`; `failsafe.edge` skips the names the app set itself."""
        return self.docs if is_docs_path(path) else self.api
