"""Run an app's ASGI lifespan once per container, on whichever platform.

Mangum's own lifespan support starts and stops the app on every invocation (measured: 0.58x
warm throughput), and on Vercel a startup that raises kills the instance. So the gate drives
the backend's lifespan itself: started once, before the first request or when the platform's
server sends `lifespan.startup`, bounded in time, and a failure is logged, never raised.
"""

from __future__ import annotations

import asyncio
from typing import Any, NamedTuple

from failsafe.asgi import ASGIApp, Message, Receive, Send
from failsafe.logs import get_logger

log = get_logger("lifespan")


class _Run(NamedTuple):
    task: asyncio.Task[None]
    started: asyncio.Future[None]
    stop: asyncio.Event
    stopped: asyncio.Future[None]


class LifespanRunner:
    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s
        self.state: dict[str, Any] = {}
        self.failed: str | None = None
        self._run: _Run | None = None

    @property
    def started(self) -> bool:
        return self._run is not None and self._run.started.done()

    async def startup(self) -> None:
        run = self._run
        if run is None:
            loop = asyncio.get_running_loop()
            started, stop, stopped = loop.create_future(), asyncio.Event(), loop.create_future()
            task = loop.create_task(self._drive(started, stop, stopped))
            run = self._run = _Run(task, started, stop, stopped)
        if run.started.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(run.started), self.timeout_s)
        except TimeoutError:
            self.failed = f"startup still running after {self.timeout_s:g}s; serving without waiting for it"
            log.error(self.failed)
            if not run.started.done():
                run.started.set_result(None)

    async def shutdown(self) -> None:
        run = self._run
        if run is None:
            return
        run.stop.set()
        try:
            await asyncio.wait_for(asyncio.shield(run.stopped), self.timeout_s)
        except TimeoutError:
            log.error("shutdown did not finish in %gs", self.timeout_s)

    async def _drive(self, started: asyncio.Future[None], stop: asyncio.Event, stopped: asyncio.Future[None]) -> None:
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


async def serve_lifespan(receive: Receive, send: Send, runner: LifespanRunner | None) -> None:
    """Answer the platform's server (Vercel's uvicorn) driving lifespan: start `runner` once, never fail."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if runner is not None:
                await runner.startup()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if runner is not None:
                await runner.shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return
