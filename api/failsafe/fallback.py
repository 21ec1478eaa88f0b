"""The app that answers when the backend could not be loaded.

It serves the health/status contract with the diagnosis and answers every other path with
503 `backend_unavailable`, so a browser, a load balancer and a person all learn what is wrong
instead of seeing a bare 500 or a connection reset.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

from failsafe import envparse
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
from failsafe.diagnostics_token import DiagnosticsToken
from failsafe.errors import send_error
from failsafe.platform import default_environment, detect_platform, status_document


class FallbackApp:
    def __init__(self, diagnosis: Diagnosis, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.diagnosis = diagnosis
        self.platform = detect_platform(env)
        try:
            self.environment = default_environment(env)
        except envparse.EnvError:  # the settings report the bad value; meanwhile the safe choice
            self.environment = "production"
        try:
            self.debug = envparse.get_bool("DEBUG", False, env)
        except envparse.EnvError:
            self.debug = False
        self.token = DiagnosticsToken(envparse.get_str("DIAGNOSTICS_TOKEN", env))

    def traceback_allowed(self, scope: Scope) -> bool:
        if self.debug:
            return True
        sent = header(scope, b"x-diagnostics-token")
        return bool(sent) and self.token.matches(sent or "")

    def status_body(self, scope: Scope) -> dict[str, object]:
        return status_document(
            status="unhealthy",
            backend_loaded=False,
            environment=self.environment,
            platform=self.platform,
            services={},
            warnings=["the backend failed to load: see diagnosis", *self.token.warnings],
            diagnosis=self.diagnosis.public(with_traceback=self.traceback_allowed(scope)),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _answer_lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path = route_path(scope).rstrip("/") or "/"
        method = scope.get("method", "GET")
        head = method == "HEAD"
        if path in PROBE_PATHS:
            if method not in ("GET", "HEAD"):
                allow = [(b"allow", b"GET, HEAD")]
                await send_error(
                    send, METHOD_NOT_ALLOWED.status, METHOD_NOT_ALLOWED.code, "Use GET or HEAD.", headers=allow
                )
                return
            wait_s = self.token.limited() if header(scope, b"x-diagnostics-token") and not self.debug else None
            if wait_s is not None:
                await send_error(
                    send,
                    RATE_LIMITED.status,
                    RATE_LIMITED.code,
                    "Too many wrong diagnostics tokens; try again later.",
                    headers=[(b"retry-after", str(math.ceil(wait_s)).encode())],
                    head=head,
                )
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
        await send_error(
            send,
            BACKEND_UNAVAILABLE.status,
            BACKEND_UNAVAILABLE.code,
            BACKEND_UNAVAILABLE.message,
            head=head,
            status_url=(scope.get("root_path") or "") + STATUS_PATH,
        )


async def _answer_lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
