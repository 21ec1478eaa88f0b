"""CORS for exact origins (`CORS_ORIGINS`) and a pattern (`CORS_ORIGIN_REGEX`).

Credentials are allowed only for origins listed exactly: a regex such as
`https://myapp-.*\\.vercel\\.app` matches preview deployments anyone can create, so it must not
also let them read a user's authenticated responses. A disallowed origin gets no
`Access-Control-Allow-Origin`; every response varies on `Origin` so caches keep them apart (added
to whatever `Vary` the app sent, never replacing it). The app cannot widen CORS: its own
`Access-Control-*` headers are replaced by these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from failsafe.asgi import RawHeaders, Send
from failsafe.catalogue import CORS_ORIGIN_NOT_ALLOWED
from failsafe.errors import send_error
from failsafe.options import DEFAULT_CORS_MAX_AGE_S

ALLOW_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOW_HEADERS = "authorization, content-type, x-request-id, x-diagnostics-token"
EXPOSE_HEADERS = "x-request-id, retry-after, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset"


class CORSPolicy:
    def __init__(
        self, origins: Iterable[str] = (), origin_regex: str | None = None, max_age_s: int = DEFAULT_CORS_MAX_AGE_S
    ) -> None:
        if max_age_s < 0:
            raise ValueError("max_age_s must not be negative")
        listed = [o.rstrip("/") for o in origins]
        self.any_origin = "*" in listed
        self.origins = frozenset(o for o in listed if o != "*")
        self.pattern = re.compile(origin_regex) if origin_regex else None  # re.error: the caller decides
        self.max_age = str(max_age_s).encode()
        self.enabled = bool(self.origins or self.pattern or self.any_origin)
        self._answers: dict[str, RawHeaders] = {}

    def allowed(self, origin: str) -> tuple[bool, bool]:
        """(allowed, with credentials)."""
        if origin in self.origins:
            return True, True
        if self.pattern is not None and self.pattern.fullmatch(origin):
            return True, False
        return self.any_origin, False

    def response_headers(self, origin: str | None) -> RawHeaders:
        """The CORS headers of an ordinary response to a request from `origin`.

        Computed once per origin (a browser sends the same one on every request) and shared:
        callers copy before changing the list. The cache is cleared past 256 origins, so
        made-up origins cannot grow it.
        """
        key = origin or ""
        found = self._answers.get(key)
        if found is None:
            if len(self._answers) >= 256:
                self._answers.clear()
            allowed, cors = self._common_headers(origin)
            if allowed:
                cors.append((b"access-control-expose-headers", EXPOSE_HEADERS.encode()))
            found = self._answers[key] = cors
        return found

    def _common_headers(self, origin: str | None) -> tuple[bool, RawHeaders]:
        """What ordinary responses and preflights both carry for `origin` (a new list)."""
        allowed, credentials = self.allowed(origin) if origin else (False, False)
        cors: RawHeaders = [(b"vary", b"Origin")]
        if allowed and origin:
            cors.append((b"access-control-allow-origin", origin.encode("latin-1")))
            if credentials:
                cors.append((b"access-control-allow-credentials", b"true"))
        return allowed, cors

    async def preflight(self, send: Send, origin: str) -> None:
        """The answer to an `OPTIONS` with `Access-Control-Request-Method`: the app never sees it."""
        allowed, cors = self._common_headers(origin)
        if not allowed:
            error = CORS_ORIGIN_NOT_ALLOWED
            await send_error(send, error.status, error.code, error.message, headers=cors)
            return
        cors += [
            (b"access-control-allow-methods", ALLOW_METHODS.encode()),
            (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
            (b"access-control-max-age", self.max_age),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": cors})
        await send({"type": "http.response.body", "body": b""})


def merged(headers: Iterable[tuple[bytes, bytes]], cors: RawHeaders) -> RawHeaders:
    """The app's headers without its `Access-Control-*`, plus ours, with `Origin` added to its `Vary`."""
    kept: RawHeaders = []
    vary: list[bytes] = []
    for name, value in headers:
        lower = name.lower()
        if lower == b"vary":
            vary += [item.strip() for item in value.split(b",") if item.strip()]
        elif not lower.startswith(b"access-control-"):
            kept.append((name, value))
    if not vary:  # the common case: `cors` starts with `Vary: Origin` already
        return kept + cors
    if not any(item.lower() in (b"origin", b"*") for item in vary):
        vary.append(b"Origin")
    return kept + [(b"vary", b", ".join(vary))] + [(k, v) for k, v in cors if k != b"vary"]
