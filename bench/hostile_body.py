"""One anonymous request with a 1 MB JSON object of 111,000 unknown keys, under uvicorn.

Prints the size of the 422 and how long a concurrent `/api/health` from another client waits
while it is handled, as a ratio to health's idle latency in the same run; and, in this process,
the request's cost as a ratio to `json.loads` of the same body. `--root` serves another checkout
(e.g. `main`, to compare before and after).

    .venv/bin/python bench/hostile_body.py [--root PATH] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "api")]

from tests.support.servers import serve  # noqa: E402
from tests.support.sockets import free_port  # noqa: E402

HOSTILE = json.dumps({f"{n:x}": 0 for n in range(111_000)}, separators=(",", ":")).encode()
JSON = {"content-type": "application/json"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    data = tempfile.mkdtemp()
    env = {
        **os.environ,
        "ENVIRONMENT": "production",
        "SECRET_KEY": "bench-secret-key-0123456789abcdef-0123456789",
        "DATABASE_URL": f"sqlite:///{data}/bench.sqlite3",
        "REDIS_URL": "",
        "MAX_BODY_BYTES": str(2 * len(HOSTILE)),
        "RATE_LIMIT_DEFAULT": "100000/minute",
        "RATE_LIMIT_AUTH": "100000/minute",
    }
    argv = [sys.executable, "-m", "uvicorn", "api.index:app", "--port", str(port), "--log-level", "warning"]
    with serve(argv, port, env=env, cwd=args.root, ready_status=200) as server, httpx.Client() as health:
        idle = []
        for _ in range(50):
            started = time.perf_counter()
            health.get(server.url + "/api/health")
            idle.append(time.perf_counter() - started)
        stalls, sizes = [], []
        for _ in range(args.rounds):
            done = threading.Event()

            def hostile(done: threading.Event = done) -> None:
                reply = httpx.post(server.url + "/api/auth/register", content=HOSTILE, headers=JSON, timeout=60)
                sizes.append(len(reply.content))
                done.set()

            thread = threading.Thread(target=hostile)
            thread.start()
            worst = 0.0
            while not done.is_set():
                started = time.perf_counter()
                health.get(server.url + "/api/health")
                worst = max(worst, time.perf_counter() - started)
            thread.join()
            stalls.append(worst)
    parse = min(timeit_once(lambda: json.loads(HOSTILE)) for _ in range(5))
    idle_ms, stall_ms = statistics.median(idle) * 1000, statistics.median(stalls) * 1000
    print(f"body {len(HOSTILE):,} bytes; 422 reply {statistics.median(sizes):,.0f} bytes")
    print(f"/api/health idle {idle_ms:.1f} ms; worst during the request {stall_ms:.0f} ms (median of {args.rounds})")
    ratio_idle, ratio_parse = stall_ms / idle_ms, stall_ms / (parse * 1000)
    print(f"stall / idle health: {ratio_idle:.0f}x; stall / json.loads of the body here: {ratio_parse:.1f}x")
    print(f"load average {os.getloadavg()[0]:.2f}")


def timeit_once(run: object) -> float:
    started = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
