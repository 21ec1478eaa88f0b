"""The hardening layer and streamed responses: each event leaves as it is produced, with the layer's
headers; the deadline ends a started event stream with a `timeout` event; a client that goes away
stops the generator."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.sse import EventSourceResponse, ServerSentEvent

from failsafe.hardening import harden
from failsafe.options import Options
from tests.support.callers import make_caller
from tests.support.sse import parse


def stalled_feed(app: Any) -> None:
    assert isinstance(app, FastAPI)

    @app.get("/api/stalls", response_class=EventSourceResponse)
    async def stalls() -> AsyncIterator[ServerSentEvent]:
        yield ServerSentEvent(event="tick", data={"n": 1})
        await asyncio.sleep(30)
        yield ServerSentEvent(event="tick", data={"n": 2})


def http_scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},  # uvicorn's: Starlette listens for the disconnect
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


@pytest.mark.parametrize("entry", ["asgi", "http"])
def test_the_deadline_ends_a_started_event_stream_with_a_timeout_event(
    entry: str, capfd: pytest.CaptureFixture[str]
) -> None:
    # On a server the client has the first event already; behind Mangum the buffered whole is sent.
    caller = make_caller(entry, {"REQUEST_TIMEOUT_S": "0.5"}, extra=stalled_feed)
    started = time.perf_counter()
    reply = caller.request("GET", "/api/stalls")
    assert time.perf_counter() - started < 5
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/event-stream")
    assert reply.headers["x-content-type-options"] == "nosniff"
    first, last = parse(reply.body)  # a clean end: no 500, nothing after the timeout event
    assert first == {"event": "tick", "data": {"n": 1}}
    assert last["event"] == "timeout" and last["data"]["error"]["code"] == "timeout"
    assert last["data"]["error"]["request_id"] == reply.headers["x-request-id"]
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    assert any(line["message"].startswith("request cut off") and line["level"] == "ERROR" for line in lines)


def test_each_event_leaves_the_layer_before_the_next_is_produced() -> None:
    delivered = asyncio.Event()  # set when the first event reaches the server's `send`
    app = FastAPI()

    @app.get("/feed", response_class=EventSourceResponse)
    async def feed() -> AsyncIterator[ServerSentEvent]:
        yield ServerSentEvent(event="tick", data=1)
        await delivered.wait()  # a layer that buffered would never let this through
        yield ServerSentEvent(event="tick", data=2)

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message.get("body"):
            delivered.set()

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(30)  # no disconnect while the stream runs
        return {"type": "http.disconnect"}

    layered = harden(app, Options(request_timeout_s=5.0))
    asyncio.run(asyncio.wait_for(layered(http_scope("/feed"), receive, send), 10))
    start, *bodies = sent
    headers = dict(start["headers"])
    assert start["status"] == 200 and b"x-request-id" in headers and headers[b"x-content-type-options"] == b"nosniff"
    events = parse(b"".join(body.get("body", b"") for body in bodies))
    assert [event["data"] for event in events] == [1, 2]  # both, without the deadline's timeout event


def test_a_client_that_goes_away_stops_the_generator(capfd: pytest.CaptureFixture[str]) -> None:
    first_sent = asyncio.Event()
    closed: list[bool] = []
    app = FastAPI()

    @app.get("/feed", response_class=EventSourceResponse)
    async def feed() -> AsyncIterator[ServerSentEvent]:
        try:
            while True:
                yield ServerSentEvent(event="tick", data=1)
                await asyncio.sleep(0.05)
        finally:
            closed.append(True)

    async def send(message: dict[str, Any]) -> None:
        if message.get("body"):
            first_sent.set()

    async def receive() -> dict[str, Any]:
        await first_sent.wait()
        return {"type": "http.disconnect"}  # what a server says once the connection is gone

    layered = harden(app, Options(request_timeout_s=20.0))
    started = time.perf_counter()
    asyncio.run(asyncio.wait_for(layered(http_scope("/feed"), receive, send), 10))
    assert time.perf_counter() - started < 5  # not at the 20 s deadline
    assert closed == [True]
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    assert [line["path"] for line in lines if line["message"] == "request"] == ["/feed"]
