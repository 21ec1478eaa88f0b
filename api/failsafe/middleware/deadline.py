"""Cut a request off at `REQUEST_TIMEOUT_S` with 504 `timeout`, before the platform does.

API Gateway gives up after 29 s (REST) or 30 s (HTTP API), Vercel at the function's
`maxDuration`, Lambda at the function timeout; each answers with an opaque gateway error and
no request id. The deadline fires first and answers in the envelope, logged with the id. On
Lambda it also keeps half a second clear of the invocation's remaining time, so a function
timeout shorter than the setting still ends in a 504 and not a killed sandbox.
A synchronous route runs in a worker thread that cannot be stopped; the caller still gets the
504 on time, the thread finishes in the background.
"""

from __future__ import annotations

import asyncio

from failsafe.asgi import ASGIApp, Message, Receive, Scope, Send
from failsafe.errors import send_error
from failsafe.logs import get_logger

DEFAULT_REQUEST_TIMEOUT_S = 25.0  # below API Gateway's 29 s and the template's Vercel maxDuration (30 s)
LAMBDA_MARGIN_S = 0.5
log = get_logger("deadline")


def budget_s(scope: Scope, timeout_s: float) -> float:
    """The setting, or less when the Lambda invocation has less time left."""
    remaining = getattr(scope.get("aws.context"), "get_remaining_time_in_millis", None)
    if callable(remaining):
        try:
            left_s = float(remaining()) / 1000.0 - LAMBDA_MARGIN_S
        except (TypeError, ValueError):
            return timeout_s
        return max(min(timeout_s, left_s), 0.05)
    return timeout_s


class DeadlineMiddleware:
    def __init__(self, app: ASGIApp, timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S) -> None:
        if not timeout_s > 0:
            raise ValueError("timeout_s must be positive")
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit_s = budget_s(scope, self.timeout_s)
        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        deadline = asyncio.timeout(limit_s)
        try:
            async with deadline:
                await self.app(scope, receive, tracking_send)
        except TimeoutError:
            if not deadline.expired():
                raise  # the app's own timeout (a service call), not ours: the app reports it
            where = {"method": scope.get("method"), "path": scope.get("path"), "status": 504}
            log.error("request cut off after %gs", limit_s, extra=where)
            if not response_started:
                message = f"The request did not finish within {limit_s:g} seconds."
                await send_error(send, 504, "timeout", message, head=scope.get("method") == "HEAD")
