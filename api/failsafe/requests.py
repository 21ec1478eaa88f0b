"""Request context: the request id, and the one JSON log line per request."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Mapping

from failsafe.asgi import Scope
from failsafe.logs import access, get_logger
from failsafe.platform import Platform

_WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
log = get_logger("request")


def request_id_for(scope: Scope, headers: Mapping[bytes, str], platform: Platform) -> str:
    """The template's own id: Lambda's request id, else Vercel's on Vercel, else a new one.

    Never a value the client chose: the id ties an error answer to its log lines, and a client
    could otherwise make its requests share an id with someone else's (or fill the logs with
    look-alikes). Off Vercel, `x-vercel-id` is just another client header.
    """
    context = scope.get("aws.context")
    aws_id = getattr(context, "aws_request_id", None)
    if isinstance(aws_id, str) and aws_id:
        return aws_id
    if platform == "vercel":
        value = headers.get(b"x-vercel-id")
        if value and _WELL_FORMED_ID.fullmatch(value):
            return value
    return uuid.uuid4().hex


def client_request_id(headers: Mapping[bytes, str]) -> str | None:
    """A well-formed `x-request-id` the client sent: logged beside ours, so a caller can find its request."""
    value = headers.get(b"x-request-id")
    return value if value and _WELL_FORMED_ID.fullmatch(value) else None


def log_request(scope: Scope, status: int, started: float, *, cold: bool, platform: Platform, failed: bool,
                client_id: str | None = None) -> None:  # fmt: skip
    """The access line: INFO, or ERROR for a 5xx or an exception that escaped the app."""
    level = logging.ERROR if failed or status >= 500 else logging.INFO
    fields = {
        "method": scope.get("method"),
        "path": scope.get("path"),
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
        "cold_start": cold,
        "platform": platform,
        "client_request_id": client_id,
    }
    access(log, level, fields)
