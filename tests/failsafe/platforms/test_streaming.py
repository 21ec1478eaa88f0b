"""The status feed (server-sent events) on each platform's real runtime: streamed by Vercel's shim and
by scripts/dev.sh as it is produced, buffered whole by Lambda's runtime behind Mangum."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import httpx

from scripts.localplatform import events
from scripts.localplatform.ric import RicProcess
from scripts.localplatform.vercel import VercelProcess
from tests.support.environment import development_environ
from tests.support.paths import ROOT
from tests.support.platforms import APP_ENV
from tests.support.servers import serve
from tests.support.sockets import free_port
from tests.support.sse import lines_of, next_event, parse

FEED = "/api/status/feed"


def test_vercel_s_shim_sends_the_first_event_while_the_feed_runs_and_a_client_leaving_stops_it() -> None:
    # REQUEST_TIMEOUT_S 20: the feed would run 19 s; the test leaves after the first event.
    with VercelProcess(ROOT, env={**APP_ENV, "REQUEST_TIMEOUT_S": "20"}) as shim:
        started = time.monotonic()
        with shim.stream("GET", FEED) as (invocation, response):
            first = next_event(lines_of(response.readline))
            first_after = time.monotonic() - started
            running = not shim.ended(invocation)  # the shim sends `end` once the handler has returned
            headers = {name.lower(): value for name, value in response.getheaders()}
        stopped = shim.wait_ended(invocation, 15.0)  # the client went away: the feed must stop
        elapsed = time.monotonic() - started
        logs = shim.logs(invocation)
    assert response.status == 200 and headers["content-type"].startswith("text/event-stream")
    assert first is not None and first["event"] == "status" and first["data"]["status"] in ("healthy", "degraded")
    assert running and first_after < 10.0, f"the first event came after {first_after:.1f}s, with the feed's end"
    # The hardening layer's headers and Vercel's request id on the stream too.
    assert headers["x-request-id"].startswith("dev1::") and headers["x-content-type-options"] == "nosniff"
    assert stopped and elapsed < 15.0, elapsed  # well before the feed's own 19 s
    access = [json.loads(line) for line in logs if '"message": "request"' in line]
    assert [line["path"] for line in access] == [FEED]


def test_lambda_s_runtime_returns_the_whole_feed_buffered() -> None:
    with RicProcess(ROOT / "api", env=APP_ENV) as runtime:
        runtime.wait_initialized()
        started = time.monotonic()
        response = runtime.invoke(events.build_event("http", "GET", FEED))
        elapsed = time.monotonic() - started
    body = response["body"]
    raw = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
    assert response["statusCode"] == 200, response
    assert response["headers"]["content-type"].startswith("text/event-stream")
    assert response["headers"]["x-content-type-options"] == "nosniff"
    # Mangum buffers: one status event and the end at once, not a 24 s wait for a response in one piece.
    assert [event["event"] for event in parse(raw)] == ["status", "end"]
    assert elapsed < 15.0, elapsed  # the feed would run 24 s with the default REQUEST_TIMEOUT_S


def test_dev_sh_streams_the_feed_as_it_is_produced(tmp_path: Path) -> None:
    port = free_port()
    env = development_environ(
        PORT=str(port),
        REDIS_URL="",
        DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path}/app.sqlite3",
        REQUEST_TIMEOUT_S="5",  # the feed runs 4 s
    )
    dev = ["bash", str(ROOT / "scripts" / "dev.sh")]
    with serve(dev, port, env=env, cwd=tmp_path, log=tmp_path / "server.log") as server:
        arrived: list[tuple[float, dict[str, object]]] = []
        with httpx.stream("GET", server.url + FEED, timeout=30) as response:
            lines = response.iter_lines()
            while (event := next_event(lines)) is not None:
                arrived.append((time.monotonic(), event))
    log = server.log.read_text()
    kinds = [event["event"] for _, event in arrived]
    assert kinds[0] == "status" and kinds[-1] == "end" and set(kinds) == {"status", "end"}
    assert arrived[-1][0] - arrived[0][0] > 2.0  # the first event came seconds before the end
    assert sum(json.loads(line).get("path") == FEED for line in log.splitlines() if line.startswith("{")) == 1
