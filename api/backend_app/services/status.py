"""The status registry: what each service runs on now, and the warnings, for /api/status and /api/health.

Services report their last known state through a provider function; reading it does no I/O,
so health stays as fast as a hello-world route. `/api/status` first lets a degraded service whose
retry time has passed probe again (`recheck`), so a service that came back reads healthy there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import NamedTuple


class ServiceStatus(NamedTuple):
    backend: str  # what it runs on now ("redis", "memory", "postgresql", "sqlite", "none")
    configured: str  # what the settings asked for
    healthy: bool
    shared: bool  # state shared across instances
    latency_ms: float | None = None
    detail: str | None = None

    def as_dict(self) -> dict[str, object]:
        return dict(self._asdict())


StatusProvider = Callable[[], ServiceStatus]
WarningProvider = Callable[[], list[str]]
Recheck = Callable[[], Awaitable[None]]


class StatusRegistry:
    def __init__(self) -> None:
        self._services: dict[str, StatusProvider] = {}
        self._warnings: list[WarningProvider] = []
        self._rechecks: list[Recheck] = []

    def register(self, name: str, provider: StatusProvider) -> None:
        self._services[name] = provider

    def add_warnings(self, provider: WarningProvider) -> None:
        self._warnings.append(provider)

    def add_recheck(self, recheck: Recheck) -> None:
        """A service's probe of a degraded state whose retry time has passed (bounded by its own timeouts)."""
        self._rechecks.append(recheck)

    async def recheck(self) -> None:
        """Let each degraded service whose retry time has passed try again (`/api/status` reads after this)."""
        for recheck in self._rechecks:
            await recheck()

    def snapshot(self) -> dict[str, ServiceStatus]:
        return {name: provider() for name, provider in self._services.items()}

    def warnings(self) -> list[str]:
        return [warning for provider in self._warnings for warning in provider()]

    def overall(self, snapshot: dict[str, ServiceStatus]) -> str:
        return "healthy" if all(service.healthy for service in snapshot.values()) else "degraded"
