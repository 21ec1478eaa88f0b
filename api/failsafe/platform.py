"""Where the code runs, and what the process has done since it started (cold-start facts)."""

from __future__ import annotations

import os
import platform as _stdlib_platform
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Literal

from failsafe import bytecode, envparse

Platform = Literal["vercel", "lambda", "local"]
Environment = Literal["production", "development"]


def detect_platform(environ: Mapping[str, str] | None = None) -> Platform:
    env = os.environ if environ is None else environ
    if envparse.get_str("VERCEL", env):
        return "vercel"
    if envparse.get_str("AWS_LAMBDA_FUNCTION_NAME", env):
        return "lambda"
    return "local"


def default_environment(environ: Mapping[str, str] | None = None) -> Environment:
    """`ENVIRONMENT` when set, else production wherever the code runs.

    A container or VM running `uvicorn api.index:app` is a deployment too: guessing development
    off the two platforms served the docs and signed tokens with the public development key.
    Development is asked for explicitly (`scripts/dev.sh`, the tests, the docs' local commands).
    """
    env = os.environ if environ is None else environ
    raw = envparse.get_str("ENVIRONMENT", env)
    if raw is None:
        return "production"
    value = raw.lower()
    if value == "production":
        return "production"
    if value == "development":
        return "development"
    raise envparse.EnvError("ENVIRONMENT", "production or development")


def detect_version(environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    for name in ("VERCEL_GIT_COMMIT_SHA", "AWS_LAMBDA_FUNCTION_VERSION", "GIT_SHA"):
        value = envparse.get_str(name, env)
        if value:
            return value
    return None


def python_version() -> str:
    return _stdlib_platform.python_version()


class RuntimeInfo:
    """Per-process facts reported by /api/status; one instance, `RUNTIME`, per container."""

    def __init__(self) -> None:
        self.started_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        self.load_ms: float | None = None
        self.invocations = 0
        self._lock = threading.Lock()

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


def monotonic_ms() -> float:
    return time.perf_counter() * 1000.0


def status_document(
    *,
    status: str,
    backend_loaded: bool,
    environment: str,
    platform: Platform,
    services: dict[str, object],
    warnings: list[str],
    diagnosis: dict[str, object] | None,
) -> dict[str, object]:
    """The /api/status body, the same for the backend and the fallback."""
    cold_start = RUNTIME.cold_start()
    if not cold_start["bytecode"]:
        warnings = [*warnings, bytecode.warning(platform)]
    return {
        "status": status,
        "backend_loaded": backend_loaded,
        "environment": environment,
        "platform": platform,
        "python": python_version(),
        "version": detect_version(),
        "cold_start": cold_start,
        "services": services,
        "warnings": warnings,
        "diagnosis": diagnosis,
    }
