"""Add routers on the first request that needs them, so a cold request pays only for its own.

Declaring a route with a body, a query parameter or a response model makes FastAPI 0.165 build
pydantic fields, and the first such field imports `pydantic.v1` (~30 ms here) to check it is not
a v1 model; the auth routers' models and dependencies cost ~15 ms more. Health and status need
none of it, so those paths pass straight through. A path that one group alone can serve
(`alone`: GET /api/users/me, the first authenticated request of most clients) includes that
group only; any other request (the docs and the OpenAPI schema included) includes them all.
Starlette matches routes at request time, so routes added now serve this very request, and they
are kept in the order of `modules` whichever request came first, so the schema never changes.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Mapping, Sequence

from fastapi import FastAPI

from failsafe.asgi import ASGIApp, Receive, Scope, Send, route_path

PASS_THROUGH = frozenset({"/api/health", "/api/status"})


class RouteGroups:
    """Modules with a `router` each, included on demand, always listed in the order of `modules`."""

    def __init__(self, app: FastAPI, modules: Sequence[str], alone: Mapping[str, str]) -> None:
        self._app = app
        self._order = {name: rank for rank, name in enumerate(modules)}
        self._pending = list(modules)
        self._alone = dict(alone)  # a path -> the one module whose routes can match it
        self._rank: dict[int, int] = {}  # id(route) -> rank of the module that added it
        self._lock = threading.Lock()

    @property
    def complete(self) -> bool:
        return not self._pending

    def include_for(self, path: str) -> None:
        with self._lock:
            module = self._alone.get(path)
            if module is None:
                self._include(list(self._pending))
            elif module in self._pending:  # and once it is in, that path needs nothing more
                self._include([module])

    def _include(self, modules: list[str]) -> None:
        routes = self._app.router.routes
        for name in modules:
            before = len(routes)
            self._app.include_router(importlib.import_module(name).router)
            self._rank.update((id(route), self._order[name]) for route in routes[before:])
            self._pending.remove(name)
        # Stable: the routes of create_app (rank -1) stay first and in their order.
        routes.sort(key=lambda route: self._rank.get(id(route), -1))


class LazyRoutesMiddleware:
    def __init__(self, app: ASGIApp, groups: RouteGroups) -> None:
        self.app = app
        self.groups = groups

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.groups.complete:
            path = route_path(scope)
            if path not in PASS_THROUGH:
                self.groups.include_for(path)
        await self.app(scope, receive, send)
