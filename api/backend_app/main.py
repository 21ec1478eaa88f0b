"""The app factory: the service container from the settings, middleware, and every router of `routes.ROUTERS`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig

from backend_app.core import library_internals
from backend_app.core.config import Settings, get_settings
from backend_app.core.errors import install_error_handlers
from backend_app.core.openapi import COMMON_RESPONSES, complete_openapi
from backend_app.middleware.ratelimit import RateLimitMiddleware
from backend_app.routes import ROUTERS
from backend_app.routes.docs import OPENAPI_URL, install_docs
from backend_app.services.container import ServiceContainer
from failsafe import logs

log = logs.get_logger("backend")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logs.configure(settings.log_level)
    services = ServiceContainer(settings)  # clients are built here; they connect on first use

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Runs once per container (the gate drives it). Start-up work belongs in
        # ServiceContainer.start, which must never raise: a failure is a degraded service,
        # not a dead instance.
        # One DEBUG line per container start: how tests see start-up ran once.
        log.debug("backend started")
        await services.start()  # one Redis probe, bounded by its timeouts
        yield
        await services.stop()

    docs = bool(settings.docs_enabled)
    telemetry: TelemetryConfig = {"auto_configure": False}  # set up here or not at all (core/tracing.py)
    if settings.tracing_enabled:
        from backend_app.core import tracing  # the OpenTelemetry SDK, with tracing on only

        telemetry = tracing.telemetry_config(settings.trace_flush_timeout_s)
    app = FastAPI(
        title="Serverless FastAPI template",
        version="0.1.0",
        docs_url=None,  # routes.docs serves the page, under a policy with its scripts' hashes
        redoc_url=None,
        openapi_url=OPENAPI_URL if docs else None,
        lifespan=lifespan,
        debug=False,  # Starlette's debug pages would show tracebacks to anyone
        # Starlette builds its trailing-slash redirect from the Host header, which ALB passes through
        # (`Host: evil.example` -> `location: http://evil.example/...`): no redirect, a 404 instead.
        redirect_slashes=False,
        responses=COMMON_RESPONSES,  # every status any operation can answer
        telemetry=telemetry,
    )
    app.state.services = services  # reached through backend_app.deps and services_of(app)
    install_error_handlers(app)
    if settings.rate_limit_enabled:  # the per-address limit on every request
        app.add_middleware(
            RateLimitMiddleware,
            limiter=services.rate_limiter,
            resolver=services.client_address,
            default_limit=settings.rate_limit_default,
            auth_limit=settings.rate_limit_auth,
        )
    for router in ROUTERS:
        app.include_router(router)
    if docs:
        install_docs(app)
    complete_openapi(app)
    # What FastAPI and anyio would do on the first request reaching each router, and at the first lifespan.
    library_internals.build_routes(app)
    library_internals.import_request_machinery()
    return app
