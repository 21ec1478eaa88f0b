"""GET /api/status/feed: what its events say, that it ends by itself before the deadline, and that it
tells nothing of the settings."""

from __future__ import annotations

import time

from backend_app.services.status_feed import FEED_MAX_S, feed_duration_s
from tests.support.callers import make_caller
from tests.support.sse import parse

SECRET = "feed-test-secret-key-0123456789abcdef-0123"
DATABASE_URL = "postgresql://feeduser:feed-db-password@127.0.0.1:9/feeddb"


def test_the_feed_reports_health_and_ends_itself_a_second_before_the_deadline() -> None:
    caller = make_caller("asgi", {"REQUEST_TIMEOUT_S": "2.5"}, request_timeout_s=2.5)
    health = caller.request("GET", "/api/health").json()
    started = time.perf_counter()
    reply = caller.request("GET", "/api/status/feed")
    elapsed = time.perf_counter() - started
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/event-stream")
    assert reply.headers["cache-control"] == "no-cache"
    events = parse(reply.body)
    first, *_, last = events
    assert first["event"] == "status" and first["id"] == "0" and first["retry"] == "5000"
    assert first["data"]["status"] == health["status"]
    assert set(first["data"]["services"]) == set(caller.request("GET", "/api/status").json()["services"])
    assert last == {"event": "end", "data": {"after_s": 1.5}}  # 2.5 s less the feed's 1 s margin
    assert 1.2 < elapsed < 2.4, elapsed  # it ended itself, before the deadline could cut it


def test_a_feed_never_outlasts_its_maximum() -> None:
    assert feed_duration_s(900.0) == FEED_MAX_S == 60.0  # Lambda's longest timeout
    assert feed_duration_s(0.5) == 0.0


def test_the_feed_tells_nothing_of_the_settings() -> None:
    env = {"ENVIRONMENT": "production", "REQUEST_TIMEOUT_S": "1.5"}
    caller = make_caller("asgi", env, secret_key=SECRET, database_url=DATABASE_URL, request_timeout_s=1.5)
    body = caller.request("GET", "/api/status/feed").body.decode()
    for value in (SECRET, "feed-db-password", "feeduser", "feeddb", "127.0.0.1:9"):
        assert value not in body
