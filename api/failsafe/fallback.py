"""The app that answers when the backend could not be loaded.

It serves the health/status contract with the diagnosis and answers every other path with
503 `backend_unavailable`, so a browser, a load balancer and a person all learn what is wrong
instead of seeing a bare 500 or a connection reset.
"""

from __future__ import annotations

import math

from failsafe.asgi import Receive, Scope, Send, header, route_path, send_json
from failsafe.catalogue import (
    BACKEND_UNAVAILABLE,
    HEALTH_PATH,
    METHOD_NOT_ALLOWED,
    PROBE_PATHS,
    RATE_LIMITED,
    STATUS_PATH,
)
from failsafe.diagnosis import Diagnosis
from failsafe.diagnostics_token import DiagnosticsToken, client_key
from failsafe.errors import send_error
from failsafe.lifespan import serve_lifespan
from failsafe.options import Options
from failsafe.status import status_document


class FallbackApp:
    def __init__(self, diagnosis: Diagnosis, options: Options) -> None:
        self.diagnosis = diagnosis
        self.options = options
        self.token = DiagnosticsToken(options.diagnostics_token)

    def traceback_allowed(self, scope: Scope) -> bool:
        if self.options.debug:
            return True
        sent = header(scope, b"x-diagnostics-token")
        return bool(sent) and self.token.matches(sent or "", client_key(scope))

    def status_body(self, scope: Scope) -> dict[str, object]:
        return status_document(
            status="unhealthy",
            backend_loaded=False,
            environment=self.options.environment,
            platform=self.options.platform,
            version=self.options.version,
            services={},
            warnings=["the backend failed to load: see diagnosis", *self.token.warnings],
            diagnosis=self.diagnosis.public(with_traceback=self.traceback_allowed(scope)),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await serve_lifespan(receive, send, None)
            return
        if scope["type"] != "http":
            return
        path = route_path(scope).rstrip("/") or "/"
        method = scope.get("method", "GET")
        head = method == "HEAD"
        if path in PROBE_PATHS:
            if method not in ("GET", "HEAD"):
                error, allow = METHOD_NOT_ALLOWED, [(b"allow", b"GET, HEAD")]
                await send_error(send, error.status, error.code, "Use GET or HEAD.", headers=allow)
                return
            sends_token = header(scope, b"x-diagnostics-token") and not self.options.debug
            wait_s = self.token.limited(client_key(scope)) if sends_token else None
            if wait_s is not None:
                error, retry = RATE_LIMITED, [(b"retry-after", str(math.ceil(wait_s)).encode())]
                message = "Too many wrong diagnostics tokens; try again later."
                await send_error(send, error.status, error.code, message, headers=retry, head=head)
                return
            if path == HEALTH_PATH:
                body = {
                    "status": "unhealthy",
                    "backend_loaded": False,
                    "diagnosis": self.diagnosis.public(with_traceback=self.traceback_allowed(scope)),
                }
                await send_json(send, 503, body, head=head)
            else:
                await send_json(send, 200, self.status_body(scope), head=head)
            return
        error = BACKEND_UNAVAILABLE
        status_url = (scope.get("root_path") or "") + STATUS_PATH
        await send_error(send, error.status, error.code, error.message, head=head, status_url=status_url)
