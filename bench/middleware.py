"""What the hardening middleware and the whole template cost a warm Lambda invocation.

Run: .venv/bin/python bench/middleware.py [invocations_per_round] [rounds]

Health invocations per second through a Lambda handler, in one process, rounds interleaved so
machine noise hits every variant alike; prints the median rate of each and the ratios:

    template             api.index-style `handler`: LambdaEntry -> Mangum -> gate -> hardening layer -> backend
    template, no log     the same with LOG_LEVEL=WARNING (no access line per request)
    template, no harden  the same without the hardening middleware: no security headers,
                         no CORS, no deadline timer (the hardening layer's `asyncio.timeout` is swapped for a
                         no-op while this variant runs); request ids, the access line, the base
                         path and the body-limit check (one header lookup on a GET) stay
    template, no stack   the same entry, gate and backend with `harden` returning the app
                         unwrapped: no request ids, no access line either
    bare lifespan=off    FastAPI with one health route + Mangum(lifespan="off")
    bare default         the same + Mangum(app) with its defaults (lifespan="auto": startup per call)

Targets: template / template without its hardening middleware >= 0.85; template / bare
off >= 0.8; template / bare default about 1.35. Template / no stack is printed too: the difference
is the request id context and the access line. The access log line is formatted as in
production and written to /dev/null.
Rates count CPU time of this process (`time.process_time`), so other processes on a shared
machine skew them less than wall time would.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "api"), str(ROOT)]
warnings.filterwarnings("ignore", category=DeprecationWarning)  # Mangum's event-loop policy warning on 3.12

import mangum  # noqa: E402
from fastapi import FastAPI  # noqa: E402

from failsafe import hardening, loader  # noqa: E402
from failsafe.lambda_entry import LambdaEntry  # noqa: E402
from scripts.localplatform.context import LocalContext  # noqa: E402

EVENTS = [ROOT.parent / "shared" / "events", Path("/work/shared/events")]
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def health_event() -> dict[str, Any]:
    folder = next(path for path in EVENTS if path.is_dir())
    event: dict[str, Any] = json.loads((folder / "powertools" / "apiGatewayProxyV2Event.json").read_text())
    event.update(rawPath="/api/health", rawQueryString="", body=None, isBase64Encoded=False, cookies=[])
    event["headers"] = {"host": "api.example.com", "user-agent": "bench", "origin": "https://app.example.com"}
    event["requestContext"]["http"].update(method="GET", path="/api/health")
    return event


def template(with_stack: bool) -> Handler:
    os.environ.setdefault("CORS_ORIGINS", "https://app.example.com")
    # Development, as the figures in bench/RESULTS.md were measured: production wants a SECRET_KEY
    # and a database before the backend loads.
    os.environ.setdefault("ENVIRONMENT", "development")
    original = loader.harden
    if not with_stack:
        loader.harden = lambda app, options: app
    try:
        gate = loader.BackendGate()
        gate.ensure_loaded()  # as api/index.py does (BACKEND_LOAD=eager)
        return LambdaEntry(gate)
    finally:
        loader.harden = original


class _NoTimer:
    """Stands in for `asyncio` inside failsafe.hardening while the no-hardening variant runs."""

    class _Timeout(contextlib.AbstractAsyncContextManager[None]):
        async def __aexit__(self, *exc: object) -> None:
            return None

        def expired(self) -> bool:
            return False

    @staticmethod
    def timeout(_delay: float) -> _Timeout:
        return _NoTimer._Timeout()


def without_hardening() -> Handler:
    handler = template(with_stack=True)
    stack = handler.gate.ensure_loaded().app
    assert isinstance(stack, hardening.HardeningLayer)
    stack.cors = None
    stack.security = []
    return handler


@contextlib.contextmanager
def timer_off(active: bool) -> Any:
    hardening.asyncio = _NoTimer if active else asyncio  # type: ignore[assignment]
    try:
        yield
    finally:
        hardening.asyncio = asyncio


def bare(lifespan: str | None) -> Handler:
    app = FastAPI()

    @app.get("/api/health")
    async def health() -> dict[str, object]:
        return {"status": "healthy", "backend_loaded": True}

    adapter = mangum.Mangum(app) if lifespan is None else mangum.Mangum(app, lifespan=lifespan)
    return adapter  # type: ignore[no-any-return]


def rate(handler: Handler, event: dict[str, Any], count: int) -> float:
    context = LocalContext("bench", request_id="0f0e0d0c-1111-2222-3333-444455556666")
    started = time.process_time()
    for _ in range(count):
        response = handler(copy.copy(event), context)
    elapsed = time.process_time() - started
    assert response["statusCode"] == 200, response
    return count / elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 31
    full = template(with_stack=True)
    variants: dict[str, tuple[Handler, str]] = {
        "template": (full, "INFO"),
        "template, no log": (full, "WARNING"),
        "template, no harden": (without_hardening(), "INFO"),
        "template, no stack": (template(with_stack=False), "INFO"),
        "bare lifespan=off": (bare("off"), "INFO"),
        "bare default": (bare(None), "INFO"),
    }
    app_logger = logging.getLogger("app")
    event = health_event()
    real_stderr = sys.stderr
    rates: dict[str, list[float]] = {name: [] for name in variants}
    with open(os.devnull, "w") as sink:
        sys.stderr = sink
        try:
            for handler, _level in variants.values():
                rate(handler, event, 200)  # warm-up: first-request work, caches
            for _ in range(rounds):
                for name, (handler, level) in variants.items():
                    app_logger.setLevel(level)
                    with timer_off(name == "template, no harden"):
                        rates[name].append(rate(handler, event, count))
        finally:
            sys.stderr = real_stderr
    median = {name: statistics.median(values) for name, values in rates.items()}
    best = {name: max(values) for name, values in rates.items()}
    print(f"health through a Lambda handler, {rounds} rounds x {count} invocations (rate = CPU time):")
    print(f"  {'':<22} {'median':>9}    {'us/call':>7}   {'best round':>10}")
    for name, value in median.items():
        print(f"  {name:<22} {value:>9,.0f} /s {1e6 / value:7.1f}   {best[name]:>10,.0f} /s")
    checks = [
        ("template / template without hardening", "template", "template, no harden", 0.85),
        ("template / template without the hardening layer", "template", "template, no stack", 0.0),
        ("  the same with no access log line", "template, no log", "template, no stack", 0.0),
        ("template / bare FastAPI+Mangum off", "template", "bare lifespan=off", 0.8),
        ("template / bare default Mangum", "template", "bare default", 1.35),
    ]
    print(f"  {'ratio':<40} {'median':>6}  {'best':>6}")
    for label, ours, theirs, target in checks:
        wanted = "no target" if not target else f"{'about ' if target > 1 else '>= '}{target}x"
        ratios = f"{median[ours] / median[theirs]:5.2f}x  {best[ours] / best[theirs]:5.2f}x"
        print(f"  {label:<40} {ratios}   ({'' if not target else 'target '}{wanted})")


if __name__ == "__main__":
    main()
