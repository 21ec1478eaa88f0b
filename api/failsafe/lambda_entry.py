"""The AWS Lambda entry: `handler(event, context)` for API Gateway, Function URLs and ALB.

HTTP events go through Mangum (`lifespan="off"`; the gate runs start-up once per container)
when the backend loaded, or through the stdlib adapter when it did not. Scheduled pings and
`{"warmer": true}` are acknowledged (and load a lazy backend); anything else gets a 400 in an
API Gateway shape. The handler never raises: a raise would become an opaque 502.
"""

from __future__ import annotations

import asyncio
import atexit
import time
from collections.abc import Mapping
from typing import Any

from failsafe import lambda_adapter, lambda_edge, lambda_events
from failsafe.catalogue import BACKEND_UNAVAILABLE, INTERNAL_ERROR, UNSUPPORTED_EVENT, ErrorCode
from failsafe.errors import error_body
from failsafe.loader import BackendGate
from failsafe.logs import get_logger
from failsafe.middleware.security_headers import api_headers
from failsafe.stack import StackOptions

# Mangum base64-encodes every type not listed, and the list replaces its defaults.
TEXT_MIME_TYPES = [
    "text/",
    "application/json",
    "application/problem+json",
    "application/javascript",
    "application/xml",
    "application/vnd.api+json",
    "application/vnd.oai.openapi",
]
log = get_logger("lambda")


class LambdaEntry:
    def __init__(self, gate: BackendGate) -> None:
        self.gate = gate
        self._mangum: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # Answers built here (no app ran) carry the same security headers as the app's.
        production = StackOptions.from_env(gate.environ).production
        self._headers = [(k.decode(), v.decode()) for k, v in api_headers(production=production)]

    def close(self) -> None:
        """Run the backend's shutdown on this entry's loop (at interpreter exit, when it was used)."""
        loop = self._loop
        if loop is not None and not loop.is_closed() and not loop.is_running():
            loop.run_until_complete(self.gate.shutdown())
            loop.close()

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        # One loop per container, reused by every invocation (Mangum takes the current loop).
        # Setting it first avoids Mangum's get_event_loop() deprecation path on 3.12+.
        if self._loop is None or self._loop.is_closed():
            self._loop = asyncio.new_event_loop()
            atexit.register(self.close)
        asyncio.set_event_loop(self._loop)
        return self._loop

    def __call__(self, event: Any, context: Any) -> dict[str, Any]:
        kind: lambda_events.EventKind = "unsupported"
        try:
            kind = lambda_events.classify(event)
            if kind == "warmup":
                loaded = self.gate.ensure_loaded()
                return {"warmed": True, "backend_loaded": loaded.backend is not None}
            if kind == "unsupported":
                return self._error(kind, event, context, UNSUPPORTED_EVENT)
            lambda_events.validate(event, kind)
            if kind == "edge":
                lambda_edge.validate(event)
            loaded = self.gate.ensure_loaded()
            loop = self._event_loop()
            if loaded.mangum is not None:
                if self._mangum is None:
                    self._mangum = loaded.mangum(self.gate, lifespan="off", text_mime_types=TEXT_MIME_TYPES)
                return dict(self._mangum(event, context))
            if kind == "edge":
                return self._error(kind, event, context, BACKEND_UNAVAILABLE)
            return lambda_adapter.serve(self.gate, loop, event, context, kind)
        except lambda_events.EventError as exc:
            return self._error(kind, event, context, exc.error, str(exc))
        except Exception:
            log.exception("the Lambda entry failed", extra={"request_id": _request_id(context)})
            return self._error(kind, event, context, INTERNAL_ERROR)

    def _error(
        self, kind: lambda_events.EventKind, event: Any, context: Any, error: ErrorCode, message: str | None = None
    ) -> dict[str, Any]:
        request_id = _request_id(context)
        status, code = error.status, error.code
        body = error_body(code, message or error.message, request_id=request_id)
        shape = kind if kind in ("rest", "http", "alb") else "rest"
        log.warning("rejected event: %s", code, extra={"request_id": request_id, "status": status, "event": kind})
        headers = [("x-request-id", request_id), *self._headers]
        if kind == "edge":
            return lambda_edge.json_response(status, body, headers)
        return lambda_events.json_response(shape, event, status, body, headers)


def _request_id(context: Any) -> str:
    value = getattr(context, "aws_request_id", None)
    if isinstance(value, str) and value:
        return value
    return f"local-{time.time_ns():x}"


def is_http_event(event: object) -> bool:
    return isinstance(event, Mapping) and lambda_events.classify(event) in lambda_events.HTTP_KINDS
