"""Reject request bodies above `MAX_BODY_BYTES` with 413 `payload_too_large`.

Every platform has its own cap and answers past it with its own opaque error (ALB 1 MB, Lambda
6 MB counting the base64-encoded event, Vercel 4.5 MB, HTTP API 10 MB); one default below all
of them (1 MiB) gives the same JSON answer everywhere. A declared `Content-Length` is refused
before the app runs; a body without one (chunked) is counted as it streams, and once over the
limit the app's reading stops and whatever it answers is replaced by the 413.
"""

from __future__ import annotations

from failsafe.asgi import ASGIApp, Message, Receive, Scope, Send, header
from failsafe.errors import send_error

DEFAULT_MAX_BODY_BYTES = 1024 * 1024


class BodyTooLarge(Exception):
    """Raised into the app by `receive` once the streamed body passes the limit."""


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        self.app = app
        self.max_bytes = max_bytes
        self.message = f"The request body is larger than {max_bytes} bytes."

    async def _refuse(self, send: Send, scope: Scope) -> None:
        await send_error(
            send, 413, "payload_too_large", self.message, details={"max_bytes": self.max_bytes},
            head=scope.get("method") == "HEAD",
        )  # fmt: skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        # isdecimal, not isdigit: "²" is a digit that int() refuses (headers arrive as latin-1).
        if declared is not None and declared.strip().isdecimal() and int(declared) > self.max_bytes:
            await self._refuse(send, scope)
            return
        received = 0
        exceeded = False
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body") or b"")
                if received > self.max_bytes:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if exceeded:
                return  # the app's answer to a body it could not finish reading (often a 400) is dropped
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            pass
        except Exception:
            if not exceeded:
                raise
        if exceeded and not response_started:
            await self._refuse(send, scope)
