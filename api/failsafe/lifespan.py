"""Run an app's ASGI lifespan once per container, on whichever platform.

Mangum's own lifespan support starts and stops the app on every invocation (measured: 0.58x
warm throughput), and on Vercel a startup that raises kills the instance. So the gate drives
the backend's lifespan itself: started once, before the first request or when the platform's
server sends `lifespan.startup`, bounded in time, and a failure is logged, never raised.
"""

from __future__ import annotations

import asyncio
from typing import Any

from failsafe.asgi import ASGIApp, Message
from failsafe.logs import get_logger

log = get_logger("lifespan")


class LifespanRunner:
    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s
        self.state: dict[str, Any] = {}
        self.failed: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._started: asyncio.Future[None] | None = None
        self._stop: asyncio.Event | None = None
        self._stopped: asyncio.Future[None] | None = None

    @property
    def started(self) -> bool:
        return self._started is not None and self._started.done()

    async def startup(self) -> None:
        if self._task is None:
            loop = asyncio.get_running_loop()
            self._started, self._stopped = loop.create_future(), loop.create_future()
            self._stop = asyncio.Event()
            self._task = loop.create_task(self._run())
        assert self._started is not None
        if self._started.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._started), self.timeout_s)
        except TimeoutError:
            self.failed = f"startup still running after {self.timeout_s:g}s; serving without waiting for it"
            log.error(self.failed)
            if not self._started.done():
                self._started.set_result(None)

    async def shutdown(self) -> None:
        if self._task is None or self._stop is None or self._stopped is None:
            return
        self._stop.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._stopped), self.timeout_s)
        except TimeoutError:
            log.error("shutdown did not finish in %gs", self.timeout_s)

    async def _run(self) -> None:
        assert self._started is not None and self._stopped is not None and self._stop is not None
        started, stopped, stop = self._started, self._stopped, self._stop
        phase = "startup"

        async def receive() -> Message:
            nonlocal phase
            if phase == "startup":
                phase = "running"
                return {"type": "lifespan.startup"}
            await stop.wait()
            return {"type": "lifespan.shutdown"}

        async def send(message: Message) -> None:
            kind = message["type"]
            if kind == "lifespan.startup.failed":
                self.failed = str(message.get("message") or "startup failed")
                log.error("backend startup failed: %s", self.failed)
            if kind.startswith("lifespan.startup") and not started.done():
                started.set_result(None)
            if kind.startswith("lifespan.shutdown") and not stopped.done():
                stopped.set_result(None)

        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            self.failed = f"lifespan raised {type(exc).__name__}"
            log.exception("backend lifespan raised")
        finally:
            for future in (started, stopped):
                if not future.done():
                    future.set_result(None)
