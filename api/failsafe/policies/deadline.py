"""Cut a request off at `REQUEST_TIMEOUT_S` with 504 `timeout`, before the platform does.

API Gateway gives up after 29 s (REST) or 30 s (HTTP API), Vercel at the function's
`maxDuration`, Lambda at the function timeout; each answers with an opaque gateway error and
no request id. The deadline fires first and answers in the envelope, logged with the id. On
Lambda it also keeps half a second clear of the invocation's remaining time, so a function
timeout shorter than the setting still ends in a 504 and not a killed sandbox.
A synchronous route runs in a worker thread that cannot be stopped; the caller still gets the
504 on time, the thread finishes in the background. `failsafe.hardening` runs the app under it.

Once the status line is out a 504 cannot be sent. A stream of server-sent events then gets a last
`timeout` event (the error envelope as its data) and a clean end, so a client reads why it ended
and no server or Mangum turns it into an error. Any other unfinished body is dropped instead: a
server aborts the response, so the client sees it incomplete rather than a short body that looks
whole (Mangum, which buffers, cannot finish it and the Lambda entry answers its 500).
"""

from __future__ import annotations

import json

from failsafe.asgi import Scope, Send
from failsafe.catalogue import TIMEOUT
from failsafe.errors import error_body, send_error
from failsafe.logs import get_logger
from failsafe.options import DEFAULT_REQUEST_TIMEOUT_S

LAMBDA_MARGIN_S = 0.5
log = get_logger("deadline")

EVENT_STREAM = b"text/event-stream"  # the content type of server-sent events


class Deadline:
    def __init__(self, timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S) -> None:
        if not timeout_s > 0:
            raise ValueError("timeout_s must be positive")
        self.timeout_s = timeout_s

    def budget_s(self, scope: Scope) -> float:
        """The setting, or less when the Lambda invocation has less time left."""
        remaining = getattr(scope.get("aws.context"), "get_remaining_time_in_millis", None)
        if callable(remaining):
            try:
                left_s = float(remaining()) / 1000.0 - LAMBDA_MARGIN_S
            except (TypeError, ValueError):
                return self.timeout_s
            return max(min(self.timeout_s, left_s), 0.05)
        return self.timeout_s

    @staticmethod
    async def expired(
        scope: Scope, send: Send, limit_s: float, *, started: bool, finished: bool, event_stream: bool
    ) -> None:
        """Log the cut-off; answer 504, or end an unfinished event stream with a `timeout` event.

        `started`/`finished`: whether the response's start / its last body part went out (finished:
        what overran ran after the answer, e.g. a background task); `event_stream`: server-sent events.
        """
        where = {"method": scope.get("method"), "path": scope.get("path"), "status": 504}
        log.error("request cut off after %gs", limit_s, extra=where)
        message = f"The request did not finish within {limit_s:g} seconds."
        if not started:
            await send_error(send, TIMEOUT.status, TIMEOUT.code, message, head=scope.get("method") == "HEAD")
        elif event_stream and not finished:
            data = json.dumps(error_body(TIMEOUT.code, message), separators=(",", ":"))
            event = f"event: {TIMEOUT.code}\ndata: {data}\n\n".encode()
            await send({"type": "http.response.body", "body": event, "more_body": False})
