"""The /api/status document, the same for the backend and the fallback, and the per-process
facts it reports (what the process has done since it started: the cold-start facts)."""

from __future__ import annotations

import platform as _stdlib_platform
import threading
from datetime import UTC, datetime

from failsafe import bytecode
from failsafe.platform import Platform


class RuntimeInfo:
    """Per-process facts; one instance, `RUNTIME`, per container."""

    def __init__(self) -> None:
        self.started_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        self.load_ms: float | None = None
        self.invocations = 0
        self._lock = threading.Lock()

    def restarted(self) -> None:
        """A SnapStart restore: this process starts now, whatever the snapshot's clock said."""
        self.started_at = datetime.now(UTC).isoformat(timespec="milliseconds")

    def count_invocation(self) -> int:
        with self._lock:
            self.invocations += 1
            return self.invocations

    def cold_start(self) -> dict[str, object]:
        return {
            "started_at": self.started_at,
            "load_ms": self.load_ms,
            "invocations": self.invocations,
            "bytecode": bytecode.loaded_from_bytecode(),
        }


RUNTIME = RuntimeInfo()


def status_document(
    *,
    status: str,
    backend_loaded: bool,
    environment: str,
    platform: Platform,
    version: str | None,
    services: dict[str, object],
    warnings: list[str],
    diagnosis: dict[str, object] | None,
) -> dict[str, object]:
    cold_start = RUNTIME.cold_start()
    if not cold_start["bytecode"]:
        warnings = [*warnings, bytecode.warning(platform)]
    return {
        "status": status,
        "backend_loaded": backend_loaded,
        "environment": environment,
        "platform": platform,
        "python": _stdlib_platform.python_version(),
        "version": version,
        "cold_start": cold_start,
        "services": services,
        "warnings": warnings,
        "diagnosis": diagnosis,
    }
