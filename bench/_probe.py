"""One fresh process of a benchmark: import a handler, invoke it, print one JSON line of numbers.

Run by bench/cold_start.py, auth_cold_start.py, warm.py and memory.py, never by hand. Only the
standard library is imported before the clock starts, so the import of the handler is measured
whole; that is why the event and the context are built here and not by scripts/localplatform
(importing it would take uuid and urllib, which the template imports too, off the clock).
"""

import resource
import time

STARTED = time.perf_counter()
_usage = resource.getrusage(resource.RUSAGE_SELF)
STARTED_CPU = _usage.ru_utime + _usage.ru_stime

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# Mangum's constructor warns about the event-loop policy on 3.12+; not what is measured here.
warnings.filterwarnings("ignore", category=DeprecationWarning)


def http_event(path: str, headers: dict[str, str]) -> dict[str, object]:
    """An HTTP API (v2) event for GET `path`, as API Gateway sends it."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"host": "abcdef1234.execute-api.us-east-1.amazonaws.com", "user-agent": "bench", **headers},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abcdef1234",
            "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7"},
            "requestId": "bench",
            "routeKey": "$default",
            "stage": "$default",
            "timeEpoch": 0,
        },
        "isBase64Encoded": False,
    }


EVENT = http_event("/api/health", {})


class Context:
    """What Lambda passes: the request id is the one the template's logs and headers carry."""

    aws_request_id = "8f8b8a3e-5c1d-4b7a-9d6e-1f2a3b4c5d6e"
    function_name = "bench"
    memory_limit_in_mb = "512"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def load(app: str):  # type: ignore[no-untyped-def]
    if app.startswith("task="):
        # A deployment tree (`task=<folder>:<module>`): its folder is the task root, as on Lambda.
        folder, _, module = app.removeprefix("task=").rpartition(":")
        sys.path.insert(0, folder)
        return __import__(module).handler
    if app == "template-quiet":
        os.environ["LOG_LEVEL"] = "WARNING"  # no access log line per request
    if app.startswith("template"):
        sys.path.insert(0, str(ROOT / "api"))  # the task root, as Lambda runs it
        import index

        return index.handler
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ["BENCH_MANGUM_LIFESPAN"] = "auto" if app == "bare-auto" else "off"
    import bare_app

    return bare_app.handler


def rss_kib(field: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


CONTEXT = Context()


def main() -> None:
    app, mode, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    handler = load(app)
    imported = time.perf_counter()
    if mode == "auth":  # the first authenticated request: GET /api/users/me with a bearer token
        event = http_event("/api/users/me", {"authorization": f"Bearer {os.environ['BENCH_TOKEN']}"})
    else:
        event = EVENT
    first = handler(event, CONTEXT)
    answered = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    assert first["statusCode"] == 200, first
    out: dict[str, float] = {
        "import_ms": (imported - STARTED) * 1000,
        "first_ms": (answered - imported) * 1000,
        "cold_ms": (answered - STARTED) * 1000,
        # CPU time is what the process itself spent: steadier than wall time on a shared machine.
        "cold_cpu_ms": (usage.ru_utime + usage.ru_stime - STARTED_CPU) * 1000,
        # This process's own peak: ru_maxrss survives execve, so it reports the parent's when that was larger.
        "peak_rss_kib": rss_kib("VmHWM") or usage.ru_maxrss,
    }
    if mode == "warm":
        for _ in range(200):  # warm caches first
            handler(EVENT, CONTEXT)
        began = time.perf_counter()
        for _ in range(count):
            handler(EVENT, CONTEXT)
        out["per_s"] = count / (time.perf_counter() - began)
    elif mode == "memory":
        for _ in range(100):
            handler(EVENT, CONTEXT)
        out["rss_100_kib"] = rss_kib()
        for _ in range(count - 100):
            handler(EVENT, CONTEXT)
        out["rss_n_kib"] = rss_kib()
    print(json.dumps(out))


main()
