"""The AWS Lambda entry: `handler(event, context)`, which never raises (a raise is an opaque 502).

The event sources it serves, each answered in the shape its source expects:

    API Gateway REST API         payload v1 (`httpMethod`, `resource`), stage prefix kept for the docs
    API Gateway HTTP API         payload v2 (`version: "2.0"`, `requestContext.http`), and v1 payloads
    Lambda Function URL          the HTTP API v2 payload
    Application Load Balancer    `requestContext.elb`, single- or multi-value headers
    Lambda@Edge (CloudFront)     `Records[0].cf.request`, answered in CloudFront's shape
    warm-up pings                an EventBridge Scheduled Event or `{"warmer": true}`: acknowledged,
                                 and a lazy backend is loaded

Anything else (VPC Lattice, API Gateway WebSocket, SQS, an empty `{}`) and malformed HTTP events
get a 400 (`unsupported_event`, `invalid_body`) in API Gateway's shape (Lambda@Edge: CloudFront's)
instead of Mangum's crash.

HTTP events go through Mangum (`lifespan="off"`; the gate runs start-up once per container)
when the backend loaded, or through the stdlib adapter when it did not. Mangum is this entry's
import, not the loader's: off Vercel (where only the ASGI `app` serves) the entry adds it to the
gate's guarded load, so it is imported at init time and a missing Mangum is the fallback's
diagnosis (`missing_dependency`, module `mangum`), never an error on a request.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib
import time
from typing import Any

from failsafe import flushes, lambda_adapter, lambda_edge, lambda_events, snapstart
from failsafe.catalogue import BACKEND_UNAVAILABLE, INTERNAL_ERROR, UNSUPPORTED_EVENT, ErrorCode
from failsafe.errors import error_body
from failsafe.loader import BackendGate
from failsafe.logs import get_logger
from failsafe.policies.security_headers import api_headers

log = get_logger("lambda")


class LambdaEntry:
    def __init__(self, gate: BackendGate) -> None:
        self.gate = gate
        self._mangum_class: Any = None
        self._mangum: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # Answers built here (no app ran) carry the same security headers as the app's.
        production = gate.options.production
        self._headers = [(k.decode(), v.decode()) for k, v in api_headers(production=production)]
        if gate.options.platform != "vercel":
            gate.add_load_step(self._import_mangum)
        self.snapshot_hooks = snapstart.register(gate)  # with SnapStart only

    def _import_mangum(self) -> None:
        self._mangum_class = importlib.import_module("mangum").Mangum

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
        try:
            return self._serve(event, context)
        finally:
            flushes.run_all()  # before Lambda freezes the environment (spans, when tracing is on)

    def _serve(self, event: Any, context: Any) -> dict[str, Any]:
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
            if loaded.backend is not None and self._mangum_class is not None:
                if self._mangum is None:
                    text_types = list(lambda_events.TEXT_MIME_TYPES)
                    self._mangum = self._mangum_class(self.gate, lifespan="off", text_mime_types=text_types)
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
        body = error_body(error.code, message or error.message, request_id=request_id)
        shape = kind if kind in ("rest", "http", "alb") else "rest"
        log.warning(
            "rejected event: %s", error.code, extra={"request_id": request_id, "status": error.status, "event": kind}
        )
        headers = [("x-request-id", request_id), *self._headers]
        if kind == "edge":
            return lambda_edge.json_response(error.status, body, headers)
        return lambda_events.json_response(shape, event, error.status, body, headers)


def _request_id(context: Any) -> str:
    value = getattr(context, "aws_request_id", None)
    if isinstance(value, str) and value:
        return value
    return f"local-{time.time_ns():x}"
