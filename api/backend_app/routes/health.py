"""Health and status: the contract load balancers, the status page and people read (or watch: the feed)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent

from backend_app.deps import SettingsDep, StatusDep
from backend_app.services.status_feed import status_events
from failsafe.platform import detect_platform, detect_version
from failsafe.status import status_document

router = APIRouter(prefix="/api", tags=["health"])


@router.head("/health", operation_id="health_head", summary="Health without a body")
@router.get("/health", operation_id="health", summary="Is this instance able to serve?")
async def health(registry: StatusDep) -> JSONResponse:
    """200 when healthy or degraded (optional services on their fallbacks), 503 when unhealthy.

    Reads the services' last known state only: no I/O.
    """
    status = registry.overall(registry.snapshot())
    return JSONResponse({"status": status, "backend_loaded": True}, status_code=200)


@router.head("/status", operation_id="status_head", summary="Status without a body")
@router.get("/status", operation_id="status", summary="What this instance runs on, and why")
async def status(registry: StatusDep, settings: SettingsDep) -> JSONResponse:
    """Environment, platform, version, cold-start facts, each service and any warnings.

    A degraded service whose retry time has passed is probed first (one probe at a time, bounded by
    the service's timeouts), so a Redis that came back reads healthy on this read, not on the next
    request that happens to use it.
    """
    # A JSONResponse, not a `dict` return type: FastAPI would run the document through
    # `jsonable_encoder` first, on the path load balancers and the status page poll.
    await registry.recheck()
    snapshot = registry.snapshot()
    document = status_document(
        status=registry.overall(snapshot),
        backend_loaded=True,
        environment=settings.environment,
        platform=detect_platform(),
        version=detect_version(),
        services={name: service.as_dict() for name, service in snapshot.items()},
        warnings=registry.warnings(),
        diagnosis=None,
    )
    return JSONResponse(document)


@router.get(
    "/status/feed",
    operation_id="status_feed",
    summary="Health as server-sent events",
    response_class=EventSourceResponse,
)
async def status_feed(request: Request, registry: StatusDep, settings: SettingsDep) -> AsyncIterator[ServerSentEvent]:
    """A `status` event now and every 5 s, until a second before REQUEST_TIMEOUT_S (at most 60 s), then `end`.

    Behind Mangum (Lambda with API Gateway, ALB or a function URL) the response is buffered: one
    `status` event and `end` at once.
    """
    buffered = "aws.event" in request.scope  # Mangum's scope: the response leaves the function in one piece
    async for event in status_events(registry, settings.request_timeout_s, buffered=buffered):
        yield event
