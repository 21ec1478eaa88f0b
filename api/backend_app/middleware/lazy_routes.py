"""Add routers on the first request that needs them, so a cold `/api/health` never pays for them.

Declaring a route with a body, a query parameter or a response model makes FastAPI 0.165 build
pydantic fields, and the first such field imports `pydantic.v1` (~30 ms here) to check it is not
a v1 model; the auth routers' models and dependencies cost ~15 ms more. Health and status need
none of it, so those paths pass straight through; any other request (the docs and the OpenAPI
schema included) first includes the routers, once. Starlette matches routes at request time, so
routes added now serve this very request.
"""

from __future__ import annotations

from collections.abc import Callable

from failsafe.asgi import ASGIApp, Receive, Scope, Send, route_path

PASS_THROUGH = frozenset({"/api/health", "/api/status"})


class LazyRoutesMiddleware:
    def __init__(self, app: ASGIApp, install: Callable[[], None]) -> None:
        self.app = app
        self._install: Callable[[], None] | None = install

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        install = self._install
        if install is not None and scope["type"] == "http" and route_path(scope) not in PASS_THROUGH:
            self._install = None  # one event loop thread: no await between the check and this line
            install()
        await self.app(scope, receive, send)
