"""Request context: the request id, one JSON log line per request, and the last-resort 500."""

from __future__ import annotations

import logging
import re
import time
import uuid

from failsafe.asgi import ASGIApp, Message, Receive, Scope, Send, header
from failsafe.errors import request_id_var, send_error
from failsafe.logs import access, get_logger
from failsafe.platform import RUNTIME, Platform

_WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
log = get_logger("request")


def request_id_for(scope: Scope) -> str:
    """Lambda's request id, else Vercel's, else a well-formed incoming one, else a new one."""
    context = scope.get("aws.context")
    aws_id = getattr(context, "aws_request_id", None)
    if isinstance(aws_id, str) and aws_id:
        return aws_id
    for name in (b"x-vercel-id", b"x-request-id"):
        value = header(scope, name)
        if value and _WELL_FORMED_ID.fullmatch(value):
            return value
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Outermost HTTP middleware: ids, access log, and a JSON 500 for anything that escapes."""

    def __init__(self, app: ASGIApp, platform: Platform) -> None:
        self.app = app
        self.platform = platform

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_for(scope)
        token = request_id_var.set(request_id)
        RUNTIME.count_invocation()
        cold = RUNTIME.cold
        started = time.perf_counter()
        status = 500
        response_started = False
        # Servers strip HEAD bodies; Mangum and the Lambda adapters do not, so strip them here.
        head = scope.get("method") == "HEAD"

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message["headers"] = headers
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        level = logging.INFO
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            level = logging.ERROR
            log.exception("unhandled error", extra={"method": scope.get("method"), "path": scope.get("path")})
            if not response_started:
                await send_error(send_with_id, 500, "internal_error", "The server failed to handle this request.")
        finally:
            if status >= 500:
                level = logging.ERROR
            fields = {
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                "cold_start": cold,
                "platform": self.platform,
            }
            access(log, level, fields)
            request_id_var.reset(token)
