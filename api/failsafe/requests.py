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


def request_id_for(scope: Scope, headers: Mapping[bytes, str]) -> str:
    """Lambda's request id, else Vercel's, else a well-formed incoming one, else a new one."""
    context = scope.get("aws.context")
    aws_id = getattr(context, "aws_request_id", None)
    if isinstance(aws_id, str) and aws_id:
        return aws_id
    for name in (b"x-vercel-id", b"x-request-id"):
        value = headers.get(name)
        if value and _WELL_FORMED_ID.fullmatch(value):
            return value
    return uuid.uuid4().hex


def log_request(scope: Scope, status: int, started: float, *, cold: bool, platform: Platform, failed: bool) -> None:
    """The access line: INFO, or ERROR for a 5xx or an exception that escaped the app."""
    level = logging.ERROR if failed or status >= 500 else logging.INFO
    fields = {
        "method": scope.get("method"),
        "path": scope.get("path"),
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
        "cold_start": cold,
        "platform": platform,
    }
    access(log, level, fields)
