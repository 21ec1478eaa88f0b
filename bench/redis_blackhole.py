"""Cold start plus 100 requests with Redis blackholed, against REDIS_URL unset, in the same run.

A blackholed Redis accepts TCP and never answers (the classic hang). Each sample is a fresh
process that imports `api/index.py` (eager load) and serves 100 Lambda events through the real
handler on a rate-limited path, so every request asks the limiter, which asks Redis. The
blackholed case pays one timeout (the start-up probe, REDIS_CONNECT_TIMEOUT_S +
REDIS_OP_TIMEOUT_S at most), then the breaker keeps every later request off Redis.

    .venv/bin/python bench/redis_blackhole.py [--samples 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 100


def child() -> None:
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT / "api"))
    import index

    imported = time.perf_counter()
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/api/items",
        "rawQueryString": "",
        "headers": {"host": "bench"},
        "isBase64Encoded": False,
        "requestContext": {
            "http": {"method": "GET", "path": "/api/items", "sourceIp": "198.51.100.1"},
            "stage": "$default",
        },
    }
    times = []
    for _ in range(REQUESTS):
        t = time.perf_counter()
        response = index.handler(event, None)
        times.append(time.perf_counter() - t)
        assert response["statusCode"] == 404, response
    rest = times[1:]
    result = {
        "import_s": imported - started,
        "first_s": times[0],
        "rest_s": sum(rest),
        "per_request_s": sorted(rest)[len(rest) // 2],
    }
    print(json.dumps(result))


def sample(redis_url: str | None) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "RATE_LIMIT_", "AWS_", "VERCEL"))}
    env.update(
        {
            "LOG_LEVEL": "ERROR",
            "RATE_LIMIT_DEFAULT": "1000000/minute",
            "BACKEND_LOAD": "eager",
            "ENVIRONMENT": "development",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    out = subprocess.run([sys.executable, __file__, "--child"], env=env, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child()
        return
    sys.path.insert(0, str(ROOT))  # here, not at the top: the child's imports stay the template's own
    from tests.support.sockets import raw_listener

    runs: dict[str, list[dict[str, float]]] = {"unset": [], "blackholed": []}
    with raw_listener("silent") as port:  # accepts connections and never answers
        for _ in range(args.samples):  # interleaved, so machine noise hits both cases alike
            runs["unset"].append(sample(None))
            runs["blackholed"].append(sample(f"redis://127.0.0.1:{port}/0"))
    med = {case: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for case, rs in runs.items()}
    print(f"{args.samples} samples per case, medians; each: import api/index.py + {REQUESTS} Lambda events")
    print(f"{'case':<11} {'import':>9} {'1st req':>9} {'99 more':>9} {'cold+100':>9}")
    for case, m in med.items():
        total = m["import_s"] + m["first_s"] + m["rest_s"]
        print(
            f"{case:<11} {m['import_s'] * 1e3:8.1f}ms {m['first_s'] * 1e3:8.1f}ms {m['rest_s'] * 1e3:8.1f}ms"
            f" {total * 1e3:8.1f}ms"
        )
    u, b = med["unset"], med["blackholed"]
    paid = b["first_s"] - u["first_s"]
    after = (b["import_s"] + b["first_s"] - paid + b["rest_s"]) / (u["import_s"] + u["first_s"] + u["rest_s"])
    print(f"timeout paid once on the first request: {paid * 1e3:.0f}ms")
    print(f"ratio blackholed/unset, cold+100 once the first timeout is paid: {after:.2f}x (target <= 1.2x)")
    print(
        f"ratio blackholed/unset, the 99 requests after the first: {b['rest_s'] / u['rest_s']:.2f}x (sum), "
        f"{b['per_request_s'] / u['per_request_s']:.2f}x (median request: "
        f"{b['per_request_s'] * 1e6:.0f}us vs {u['per_request_s'] * 1e6:.0f}us)"
    )


if __name__ == "__main__":
    main()
