"""Security headers on every response: the app's, errors, 404s, CORS preflights and the fallback's.

The API answers JSON, so its Content-Security-Policy allows nothing at all (`default-src 'none'`):
a response that some browser renders anyway can run no script and load nothing. HSTS only in
production: on a local http:// server it would pin the browser to https. Headers the app set
itself are kept: a route that needs another policy says so. The Swagger pages do
(`backend_app/routes/docs.py`, with `docs_csp` below): swagger-ui from the app itself, and their
inline start-up scripts by hash, not with 'unsafe-inline'.
"""

from __future__ import annotations

from collections.abc import Iterable

from failsafe.asgi import RawHeaders

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PERMISSIONS_POLICY = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), microphone=(), payment=(), usb=()"
HSTS = "max-age=63072000; includeSubDomains"


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


def docs_csp(script_hashes: Iterable[str]) -> str:
    """The Swagger pages' policy; `script_hashes` are the base64 sha256 digests of their inline scripts.

    Inline styles stay allowed: swagger-ui sets style attributes from its own script, and a style
    cannot run code. Its icons are data: URLs; the page fetches the schema from its own origin.
    """
    inline = " ".join(f"'sha256-{digest}'" for digest in script_hashes)
    return (
        f"default-src 'none'; script-src 'self' {inline}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )
