"""What must leave the process before a Lambda invocation returns: Lambda freezes the environment
once the handler returns, and whatever a background thread still buffers (spans) waits, or is lost
with the instance. The Lambda entry runs every registered flush after each invocation; each flush
bounds its own wait. Empty unless tracing is on (`backend_app.core.tracing` registers one).
"""

from __future__ import annotations

from collections.abc import Callable

from failsafe.logs import get_logger

Flush = Callable[[], object]
_flushes: list[Flush] = []
log = get_logger("flush")


def register(flush: Flush) -> None:
    _flushes.append(flush)


def run_all() -> None:
    """Run every flush; a failing one is logged, never raised (the answer is already made)."""
    for flush in _flushes:
        try:
            flush()
        except Exception:
            log.exception("a flush after the invocation failed")
