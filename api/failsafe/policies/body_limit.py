"""Reject request bodies above `MAX_BODY_BYTES` with 413 `payload_too_large`.

Every platform has its own cap and answers past it with its own opaque error (ALB 1 MB, Lambda
6 MB counting the base64-encoded event, Vercel 4.5 MB, HTTP API 10 MB); one default below all
of them (1 MiB) gives the same JSON answer everywhere. A declared `Content-Length` is refused
before the app runs; a body without one (chunked) is counted as it streams, and once over the
limit the app's reading stops and whatever it answers is replaced by the 413 (`failsafe.hardening`
does the counting and the replacing).
"""

from __future__ import annotations

from failsafe.asgi import Send
from failsafe.catalogue import PAYLOAD_TOO_LARGE
from failsafe.errors import send_error
from failsafe.options import DEFAULT_MAX_BODY_BYTES


class BodyTooLarge(Exception):
    """Raised into the app by `receive` once the streamed body passes the limit."""


class BodyLimit:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        self.max_bytes = max_bytes
        self.message = f"The request body is larger than {max_bytes} bytes."

    def declared_too_large(self, content_length: str | None) -> bool:
        # isdecimal, not isdigit: "²" is a digit that int() refuses (headers arrive as latin-1).
        if content_length is None:
            return False
        declared = content_length.strip()
        return declared.isdecimal() and int(declared) > self.max_bytes

    async def refuse(self, send: Send, *, head: bool) -> None:
        details = {"max_bytes": self.max_bytes}
        await send_error(
            send, PAYLOAD_TOO_LARGE.status, PAYLOAD_TOO_LARGE.code, self.message, details=details, head=head
        )
