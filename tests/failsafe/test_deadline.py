"""Requests past REQUEST_TIMEOUT_S end in 504 `timeout` (enveloped, logged) before the platform's own."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from failsafe.hardening import HardeningLayer
from failsafe.policies.deadline import Deadline
from tests.support.callers import make_caller
from tests.support.lambda_context import REQUEST_ID, lambda_context

TIMEOUT = {"REQUEST_TIMEOUT_S": "0.3"}


def slow_routes(app: Any) -> None:
    assert isinstance(app, FastAPI)

    @app.get("/api/slow")
    async def slow() -> dict[str, bool]:
        await asyncio.sleep(30)
        return {"finished": True}

    @app.get("/api/blocking")
    def blocking() -> dict[str, bool]:
        time.sleep(1.5)  # a sync route runs in a worker thread, which cannot be cancelled
        return {"finished": True}

    @app.get("/api/stalls")
    async def stalls() -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"first "
            await asyncio.sleep(30)
            yield b"never"

        return StreamingResponse(chunks(), media_type="text/plain")

    @app.get("/api/own-timeout")
    async def own_timeout() -> dict[str, bool]:
        raise TimeoutError  # a service call timing out is the app's error, not the deadline's


def assert_timeout(status: int, body: bytes) -> dict[str, Any]:
    assert status == 504
    error: dict[str, Any] = json.loads(body)["error"]
    assert error["code"] == "timeout"
    assert error["request_id"]
    return error


@pytest.mark.parametrize("path", ["/api/slow", "/api/blocking"])
def test_slow_request_is_cut_off(entry: str, path: str, capfd: pytest.CaptureFixture[str]) -> None:
    caller = make_caller(entry, TIMEOUT, extra=slow_routes)
    started = time.perf_counter()
    reply = caller.request("GET", path)
    elapsed = time.perf_counter() - started
    error = assert_timeout(reply.status, reply.body)
    assert elapsed < 1.4, elapsed  # well before the 1.5 s and 30 s routes would finish
    assert reply.headers["x-content-type-options"] == "nosniff"
    if entry != "asgi":
        assert error["request_id"] == REQUEST_ID
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    cut = [line for line in lines if line["message"].startswith("request cut off")]
    assert cut and cut[0]["level"] == "ERROR" and cut[0]["request_id"] == error["request_id"]
    access = [line for line in lines if line["message"] == "request"]
    assert access[-1]["status"] == 504


def test_fast_requests_are_untouched(entry: str) -> None:
    reply = make_caller(entry, TIMEOUT, extra=slow_routes).request("GET", "/api/health")
    assert reply.status == 200


def test_the_apps_own_timeout_error_stays_a_500(entry: str) -> None:
    reply = make_caller(entry, TIMEOUT, extra=slow_routes).request("GET", "/api/own-timeout")
    assert reply.status == 500
    assert reply.json()["error"]["code"] == "internal_error"


@pytest.mark.parametrize("entry_name", ["rest", "http", "alb"])
def test_lambda_time_left_shortens_the_deadline(entry_name: str) -> None:
    # The function timeout is shorter than REQUEST_TIMEOUT_S: the 504 still comes before Lambda kills it.
    caller = make_caller(entry_name, {"REQUEST_TIMEOUT_S": "25"}, extra=slow_routes)
    started = time.perf_counter()
    reply = caller.request("GET", "/api/slow", context=lambda_context(timeout_s=0.9))
    assert time.perf_counter() - started < 5
    error = assert_timeout(reply.status, reply.body)
    # 0.9 s left less Lambda's margin, read when the request starts: the context's clock runs meanwhile.
    within = re.search(r"within ([0-9.]+) seconds", error["message"])
    assert within is not None and 0.35 < float(within[1]) <= 0.4, error["message"]


def test_fallback_runs_under_the_same_deadline() -> None:
    caller = make_caller("asgi", TIMEOUT, broken=True)
    assert caller.request("GET", "/api/status").status == 200
    layer: Any = caller.gate.loaded.app if caller.gate.loaded else None
    found = []
    while layer is not None:
        if isinstance(layer, HardeningLayer):
            found.append(layer.deadline.timeout_s)
        layer = getattr(layer, "app", None)
    assert found == [0.3]


def test_invalid_timeout_is_refused() -> None:
    with pytest.raises(ValueError, match="timeout_s"):
        Deadline(0)


def test_a_started_response_is_cut_short_and_logged(capfd: pytest.CaptureFixture[str]) -> None:
    # Once the status line is out a 504 cannot be sent. A server then drops the unfinished response;
    # Mangum buffers it and cannot finish it, so the Lambda entry answers its 500 envelope. Either
    # way the caller is not left waiting for the platform's timeout, and the log says why.
    started = time.perf_counter()
    reply = make_caller("http", TIMEOUT, extra=slow_routes).request("GET", "/api/stalls")
    assert time.perf_counter() - started < 5
    assert reply.status == 500 and reply.json()["error"]["code"] == "internal_error"
    assert reply.headers["x-content-type-options"] == "nosniff"
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    assert any(line["message"].startswith("request cut off") and line["level"] == "ERROR" for line in lines)
