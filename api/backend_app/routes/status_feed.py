"""GET /api/status/feed: the instance's health as server-sent events, for a page that watches it.

A `status` event at once and then every `FEED_INTERVAL_S`, then an `end` event: the feed ends
itself one second before `REQUEST_TIMEOUT_S` (at most `FEED_MAX_S`), so it never holds a function
until the deadline cuts it, and a browser's `EventSource` reconnects after `retry` milliseconds.
Each event carries what /api/health reads (no I/O): the overall status and, per service, what it
runs on and whether it is healthy; nothing from the settings.

Behind API Gateway or a function URL (Mangum) the response is buffered whole: there the feed sends
one `status` event and its `end` at once, and `EventSource` reconnecting turns it into polling
(docs/streaming.md names the ways to a real stream on Lambda).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
from fastapi import APIRouter, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent

from backend_app.deps import SettingsDep, StatusDep
from backend_app.services.status import StatusRegistry

router = APIRouter(prefix="/api", tags=["health"])

FEED_INTERVAL_S = 5.0
FEED_MAX_S = 60.0
FEED_MARGIN_S = 1.0  # ends before the deadline, which would log an ERROR line for every feed
RECONNECT_MS = 5000


def feed_duration_s(request_timeout_s: float) -> float:
    """How long one feed runs: up to a second before the deadline, at most `FEED_MAX_S`."""
    return max(0.0, min(FEED_MAX_S, request_timeout_s - FEED_MARGIN_S))


def health_event(registry: StatusRegistry, sequence: int) -> ServerSentEvent:
    snapshot = registry.snapshot()
    services = {name: {"backend": service.backend, "healthy": service.healthy} for name, service in snapshot.items()}
    data = {"status": registry.overall(snapshot), "services": services}
    return ServerSentEvent(event="status", id=str(sequence), data=data, retry=RECONNECT_MS if sequence == 0 else None)


@router.get(
    "/status/feed",
    operation_id="status_feed",
    summary="Health as server-sent events",
    response_class=EventSourceResponse,
)
async def status_feed(request: Request, registry: StatusDep, settings: SettingsDep) -> AsyncIterator[ServerSentEvent]:
    """`status` events until shortly before `REQUEST_TIMEOUT_S` (at most 60 s), then `end`."""
    buffered = "aws.event" in request.scope  # Mangum: nothing leaves the function before the end
    duration_s = 0.0 if buffered else feed_duration_s(settings.request_timeout_s)
    ends_at = anyio.current_time() + duration_s
    sequence = 0
    while True:
        yield health_event(registry, sequence)
        left_s = ends_at - anyio.current_time()
        if left_s <= 0:
            break
        await anyio.sleep(min(FEED_INTERVAL_S, left_s))
        sequence += 1
    yield ServerSentEvent(event="end", data={"after_s": duration_s})
