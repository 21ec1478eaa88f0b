"""Where the load reaches into FastAPI's and anyio's private behaviour, and why. Nothing else in the backend does.

FastAPI 0.165 and anyio leave things to the first request that the guarded load can do instead:

- **Included routers are built on the first request that reaches them** (`_IncludedRouter`
  builds each route's handler and dependency analysis then, 7-16 ms): `build_routes` builds them
  now, so an error in that analysis is the loader's diagnosis, not a 500 on one route.
- **`fastapi.telemetry._runtime` is imported at the first lifespan** (on Lambda, the first
  request), **anyio's asyncio backend** (13 modules) at its first call and **its file API** at
  the first file response: `import_request_machinery` imports them with the load. The telemetry
  runtime imports the OpenTelemetry API only (installed with FastAPI), never the SDK, which it
  imports only when auto-configured.
- **Every route declaration probes for pydantic v1 models** by importing `pydantic.v1` (~91 M
  instructions, ~27 ms of a cold start and ~3 MiB, measured on the Lambda zip): an object is a
  pydantic v1 model only if `pydantic.v1` was imported by someone, so `skip_pydantic_v1_probe`
  answers "no" without importing it while nobody has, and asks FastAPI's own probe once anyone has.

Each step checks that what it relies on is still there, and does nothing otherwise: a FastAPI
release that moves it leaves the template working, only slower, and
`tests/backend/test_library_internals.py` fails, naming what moved.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable
from typing import Any

import anyio
from anyio._core import _eventloop as anyio_eventloop
from fastapi import FastAPI, encoders, routing
from fastapi._compat import shared

TELEMETRY_RUNTIME = "fastapi.telemetry._runtime"
ANYIO_BACKEND = "asyncio"
PYDANTIC_V1 = "pydantic.v1"
V1_PROBES = ("is_pydantic_v1_model_class", "is_pydantic_v1_model_instance")


def _unless_v1_imported(probe: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def checked(value: Any) -> bool:
        return PYDANTIC_V1 in sys.modules and probe(value)

    checked.__wrapped__ = probe  # type: ignore[attr-defined]
    return checked


def skip_pydantic_v1_probe() -> bool:
    """Make FastAPI's v1 probes import nothing (before any route is declared); False when they moved."""
    if not all(callable(getattr(shared, name, None)) for name in V1_PROBES):
        return False
    for name in V1_PROBES:
        probe = getattr(shared, name)
        if not hasattr(probe, "__wrapped__"):
            setattr(shared, name, _unless_v1_imported(probe))
    # encoders imported the instance probe by name.
    if hasattr(encoders, V1_PROBES[1]):
        setattr(encoders, V1_PROBES[1], shared.is_pydantic_v1_model_instance)
    return True


def _included(routes: Iterable[Any], kind: type) -> list[Any]:
    return [route for route in routes if isinstance(route, kind)]


def build_routes(app: FastAPI) -> int:
    """Build every included router's routes now (what the first request would); how many routers.

    Starlette's middleware stack, which the first request would build too, is built here as well.
    """
    kind = getattr(routing, "_IncludedRouter", None)
    built = 0
    if isinstance(kind, type) and all(
        hasattr(kind, m) for m in ("effective_candidates", "effective_low_priority_routes")
    ):
        pending = _included(app.router.routes, kind)
        while pending:
            router = pending.pop()
            pending.extend(_included(router.effective_candidates(), kind))
            router.effective_low_priority_routes()
            built += 1
    if app.middleware_stack is None:
        app.middleware_stack = app.build_middleware_stack()
    return built


def import_request_machinery() -> list[str]:
    """Import what FastAPI's lifespan and anyio's first call import; the names of those that moved."""
    moved = []
    try:
        importlib.import_module(TELEMETRY_RUNTIME)
    except ModuleNotFoundError as exc:
        if exc.name != TELEMETRY_RUNTIME:
            raise  # a package it needs is missing: the loader's diagnosis
        moved.append(TELEMETRY_RUNTIME)
    # anyio imports its public names on first access: Starlette's FileResponse (the docs' assets) uses this one.
    anyio.open_file  # noqa: B018
    backend = getattr(anyio_eventloop, "get_async_backend", None)
    if callable(backend):
        backend(ANYIO_BACKEND)  # imports anyio._backends._asyncio once
    else:
        moved.append("anyio._core._eventloop.get_async_backend")
    return moved
