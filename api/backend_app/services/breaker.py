"""A circuit breaker: after a failure, stop calling the service for `retry_after_s`.

A down Redis would otherwise cost every request a full timeout. While open, callers go to their
fallback at once; when the window has passed, one caller probes (the others keep using the
fallback until that probe answers), and a success closes the breaker again.
"""

from __future__ import annotations

import time
from typing import Literal, NamedTuple

from failsafe.logs import get_logger

BreakerState = Literal["unknown", "closed", "open"]
log = get_logger("services.breaker")


class BreakerView(NamedTuple):
    state: BreakerState
    detail: str | None
    latency_ms: float | None


class Breaker:
    def __init__(self, name: str, retry_after_s: float) -> None:
        self.name = name
        self.retry_after_s = retry_after_s
        self.state: BreakerState = "unknown"  # nothing tried yet
        self.detail: str | None = None
        self.latency_ms: float | None = None
        self._open_until = 0.0
        self._probing = False

    def allow(self) -> bool:
        """May the caller use the service now? At most one probe at a time while open."""
        if self.state != "open":
            return True
        if self._probing or time.monotonic() < self._open_until:
            return False
        self._probing = True
        return True

    def due(self) -> bool:
        """Open, its retry time passed and no probe in flight: a probe now would be the next one."""
        return self.state == "open" and not self._probing and time.monotonic() >= self._open_until

    def success(self, latency_ms: float) -> None:
        if self.state == "open":
            log.warning("%s answers again; leaving the fallback", self.name)
        self.state, self.detail, self.latency_ms = "closed", None, round(latency_ms, 3)
        self._probing = False

    def failure(self, reason: str) -> None:
        if self.state != "open":
            log.warning("%s unavailable: %s; using the fallback for %gs", self.name, reason, self.retry_after_s)
        self.state, self.detail = "open", reason
        self._open_until = time.monotonic() + self.retry_after_s
        self._probing = False

    def release(self) -> None:
        """The probe ended without a verdict (cancelled): let the next caller probe."""
        self._probing = False

    def view(self) -> BreakerView:
        return BreakerView(self.state, self.detail, self.latency_ms)
