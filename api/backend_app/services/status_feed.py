"""The status feed: the instance's health as server-sent events, for a page that watches it.

A `status` event at once and then every `FEED_INTERVAL_S`, then an `end` event: the feed ends
itself one second before `REQUEST_TIMEOUT_S` (at most `FEED_MAX_S`), so it never holds a function
until the deadline cuts it (which would log an ERROR line per feed), and a browser's `EventSource`
reconnects after `RECONNECT_MS`. Each event carries what /api/health reads (no I/O): the overall
status and, per service, what it runs on and whether it is healthy; nothing from the settings.

Where the response is buffered whole (Mangum, behind API Gateway, ALB or a function URL) the feed
sends one `status` event and its `end` at once: `EventSource` reconnecting turns it into polling,
instead of a wait of the whole feed for one response (docs/streaming.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
from fastapi.sse import ServerSentEvent

from backend_app.services.status import StatusRegistry

FEED_INTERVAL_S = 5.0
FEED_MAX_S = 60.0
FEED_MARGIN_S = 1.0
RECONNECT_MS = 5000


def feed_duration_s(request_timeout_s: float) -> float:
    """How long one feed runs: up to a second before the deadline, at most `FEED_MAX_S`."""
    return max(0.0, min(FEED_MAX_S, request_timeout_s - FEED_MARGIN_S))


def health_event(registry: StatusRegistry, sequence: int) -> ServerSentEvent:
    snapshot = registry.snapshot()
    services = {name: {"backend": service.backend, "healthy": service.healthy} for name, service in snapshot.items()}
    data = {"status": registry.overall(snapshot), "services": services}
    return ServerSentEvent(event="status", id=str(sequence), data=data, retry=RECONNECT_MS if sequence == 0 else None)


async def status_events(
    registry: StatusRegistry, request_timeout_s: float, *, buffered: bool
) -> AsyncIterator[ServerSentEvent]:
    """The events of one feed; `buffered`: nothing reaches the client before the last one."""
    duration_s = 0.0 if buffered else feed_duration_s(request_timeout_s)
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
