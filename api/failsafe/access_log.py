"""The access line: one JSON log line per request, written by the hardening layer."""

from __future__ import annotations

import logging
import time
from typing import Any

from failsafe.asgi import Scope
from failsafe.logs import access, get_logger
from failsafe.platform import Platform

log = get_logger("request")


def log_request(
    scope: Scope,
    status: int,
    started: float,
    *,
    cold: bool,
    platform: Platform,
    failed: bool,
    client_id: str | None = None,
    metrics: dict[str, Any] | None = None,
) -> None:
    """INFO, or ERROR for a 5xx or an exception that escaped the app; `metrics`: failsafe.emf's members."""
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
    if metrics is not None:
        fields.update(metrics)
    access(log, level, fields)
