"""Security headers on every response: the app's, errors, 404s, CORS preflights and the fallback's.

The API answers JSON, so its Content-Security-Policy allows nothing at all (`default-src 'none'`):
a response that some browser renders anyway can run no script and load nothing. HSTS only in
production: on a local http:// server it would pin the browser to https.

The hook for pages: a header the app set itself is kept (the hardening layer adds only the
names a response lacks), so a route that serves HTML sends its own Content-Security-Policy.
"""

from __future__ import annotations

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
