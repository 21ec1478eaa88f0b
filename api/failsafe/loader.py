"""The guarded loader: import the backend once per container, or fall back with a diagnosis.

`BackendGate` is the ASGI app `api/index.py` exports. It loads `backend_app` (and Mangum, which
the Lambda entry needs) either while `api/index.py` is imported (`BACKEND_LOAD=eager`, the
default: the work lands in Lambda's init phase and in a SnapStart snapshot) or on the first
request (`BACKEND_LOAD=lazy`). Any failure, `SystemExit` included, becomes the `FallbackApp`.
"""

from __future__ import annotations

import gc
import importlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from failsafe import envparse, logs
from failsafe.asgi import ASGIApp, Receive, Scope, Send
from failsafe.diagnosis import Diagnosis, diagnose
from failsafe.fallback import FallbackApp
from failsafe.lifespan import LifespanRunner
from failsafe.platform import RUNTIME
from failsafe.stack import StackOptions, build_stack

API_DIR = Path(__file__).resolve().parent.parent
BackendFactory = Callable[[], tuple[ASGIApp, Any]]
log = logs.get_logger("loader")


def import_backend() -> tuple[ASGIApp, Any]:
    """Import and build the backend; returns (ASGI app, Mangum class)."""
    backend = importlib.import_module("backend_app")
    app: ASGIApp = backend.create_app()
    mangum = importlib.import_module("mangum")
    return app, mangum.Mangum


class Loaded(NamedTuple):
    app: ASGIApp  # the app behind the middleware stack: backend or fallback
    backend: ASGIApp | None
    mangum: Any  # the Mangum class, or None when the backend (or Mangum) failed to load
    diagnosis: Diagnosis | None
    lifespan: LifespanRunner | None


class BackendGate:
    def __init__(
        self,
        factory: BackendFactory = import_backend,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._env = os.environ if environ is None else environ
        self._factory = factory
        self._lock = threading.Lock()
        self._loaded: Loaded | None = None
        self.load_count = 0
        logs.configure(envparse.get_str("LOG_LEVEL", self._env) or "INFO")
        mode = (envparse.get_str("BACKEND_LOAD", self._env) or "eager").lower()
        self.lazy = mode == "lazy"
        if mode not in ("eager", "lazy"):
            log.warning("BACKEND_LOAD must be eager or lazy; loading eagerly")
        try:
            self.startup_timeout_s = float(envparse.get_str("STARTUP_TIMEOUT_S", self._env) or 5.0)
        except ValueError:
            self.startup_timeout_s = 5.0

    def ensure_loaded(self) -> Loaded:
        loaded = self._loaded
        if loaded is not None:
            return loaded
        with self._lock:
            if self._loaded is None:
                self._loaded = self._load()
                # What the load built (modules, app) lives as long as the container, yet every full
                # collection walked it: 27-45 ms per full collection in uvicorn under login load,
                # 5.6 ms once frozen. Freezing moves lists (nothing measurable at a cold start); no
                # gc.collect() first (~30 ms), so import-time cycles stay, frozen.
                gc.freeze()
            return self._loaded

    @property
    def environ(self) -> Mapping[str, str]:
        return self._env

    @property
    def loaded(self) -> Loaded | None:
        return self._loaded

    def _load(self) -> Loaded:
        started = time.perf_counter()
        self.load_count += 1
        options = StackOptions.from_env(self._env)
        try:
            backend, mangum = self._factory()
        except (Exception, SystemExit) as exc:  # SystemExit too: a sys.exit() at import must not kill the instance
            diagnosis = diagnose(exc, API_DIR)
            RUNTIME.load_ms = round((time.perf_counter() - started) * 1000, 3)
            # One ERROR line with the (redacted) traceback, so log-based alarms fire once.
            log.error(
                "backend failed to load: %s (%s); %s",
                diagnosis.message, diagnosis.module, diagnosis.hint,
                extra={"event": "backend_load_failed", "traceback": diagnosis.traceback},
            )  # fmt: skip
            fallback = FallbackApp(diagnosis, self._env)
            return Loaded(build_stack(fallback, options), None, None, diagnosis, None)
        RUNTIME.load_ms = round((time.perf_counter() - started) * 1000, 3)
        runner = LifespanRunner(backend, self.startup_timeout_s)
        return Loaded(build_stack(backend, options), backend, mangum, None, runner)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        loaded = self.ensure_loaded()
        if scope["type"] == "lifespan":
            await self._serve_lifespan(loaded, receive, send)
            return
        if loaded.lifespan is not None:
            if not loaded.lifespan.started:
                await loaded.lifespan.startup()
            if loaded.lifespan.state:
                scope = dict(scope)
                scope["state"] = {**(scope.get("state") or {}), **loaded.lifespan.state}
        await loaded.app(scope, receive, send)

    async def shutdown(self) -> None:
        loaded = self._loaded
        if loaded is not None and loaded.lifespan is not None:
            await loaded.lifespan.shutdown()

    async def _serve_lifespan(self, loaded: Loaded, receive: Receive, send: Send) -> None:
        """The platform's server (Vercel's uvicorn) drives lifespan: start once, never fail."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if loaded.lifespan is not None:
                    await loaded.lifespan.startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if loaded.lifespan is not None:
                    await loaded.lifespan.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return
