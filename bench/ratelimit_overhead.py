"""Rate-limit overhead per request: real Redis and memory, against no limiter, in one process.

Three apps built by `create_app` behind the real middleware stack, one event loop, the same
tiny route; rounds interleave the three so machine noise hits each alike. Prints the median time
per request and the overhead against the app without a limiter. Requests come from rotating
client addresses (each under RATE_LIMIT_DEFAULT=120/minute, as real traffic from many clients):
the moving window keeps one entry per request in the window, so one key with a huge limit would
measure list growth rather than the limiter.

    .venv/bin/python bench/ratelimit_overhead.py [--rounds 15] [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "api"))

from backend_app import create_app
from backend_app.core.config import load_settings
from backend_app.services.container import services_of
from failsafe.loader import BackendGate

SCOPE = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": "/api/bench",
    "raw_path": b"/api/bench",
    "root_path": "",
    "query_string": b"",
    "headers": [(b"host", b"bench")],
    "client": ("198.51.100.1", 1234),
    "server": ("bench", 80),
}


def build(**settings: Any) -> BackendGate:
    # Development, said explicitly (unset means production, which needs SECRET_KEY): no database is configured.
    app = create_app(
        load_settings(environment="development", log_level="ERROR", rate_limit_default="120/minute", **settings)
    )

    @app.get("/api/bench")
    async def bench() -> dict[str, bool]:
        return {"ok": True}

    return BackendGate(factory=lambda: app, environ={"LOG_LEVEL": "ERROR", "ENVIRONMENT": "development"})


_counter = iter(range(1 << 30))


async def call(app: BackendGate) -> int:
    status = 0
    n = next(_counter)
    scope = dict(SCOPE)
    scope["client"] = (f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}", 1234)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def main(rounds: int, requests: int, redis_url: str) -> None:
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    apps = {
        "none": build(rate_limit_enabled=False, redis_url=None),
        "memory": build(redis_url=None),
        "redis": build(redis_url=redis_url, redis_key_prefix=prefix),
    }
    for app in apps.values():
        assert await call(app) == 200  # start-up, first connection
    backend = apps["redis"].loaded.backend  # type: ignore[union-attr]
    status = services_of(backend).status.snapshot()["rate_limiter"]
    assert status.backend == "redis", f"Redis at {redis_url} is not answering: {status.detail}"
    samples: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(rounds):
        for name, app in apps.items():
            for _ in range(requests):
                started = time.perf_counter()
                await call(app)
                samples[name].append(time.perf_counter() - started)
    for app in apps.values():
        if app.loaded is not None and app.loaded.lifespan is not None:
            await app.loaded.lifespan.shutdown()
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    base = statistics.median(samples["none"])
    print(f"{rounds} rounds x {requests} requests per app, median per request (one loop, in process)")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:<7} {median * 1e6:8.1f}us  overhead {(median - base) * 1e6:+8.1f}us  ratio {median / base:5.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.requests, args.redis_url))
