"""Traces, opt in, under AWS's real Lambda runtime client: spans reach an OTLP/HTTP receiver before
each invocation returns, under the trace id its log lines carry; off, nothing of the SDK loads."""

from __future__ import annotations

import json
import time
from pathlib import Path

from scripts.localplatform import events
from scripts.localplatform.ric import RicProcess
from tests.failsafe.conftest import drive, shadow_missing
from tests.support.environment import development_environ
from tests.support.otlp import otlp_receiver
from tests.support.paths import ROOT
from tests.support.platforms import APP_ENV
from tests.support.sockets import raw_listener

PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN = "00f067aa0ba902b7"


def tracing_env(endpoint: str) -> dict[str, str]:
    # The batch processor would export on its own after 5 s; an hour leaves only the entry's flush.
    return {
        **APP_ENV,
        "FASTAPI_OTEL_AUTO_CONFIGURE": "true",
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "OTEL_BSP_SCHEDULE_DELAY": "3600000",
    }


def request_lines(output: str, request_id: str) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith('{"timestamp"')]
    return [line for line in lines if line.get("request_id") == request_id]


def test_spans_are_exported_before_each_invocation_returns() -> None:
    traceparent = f"00-{PARENT_TRACE}-{PARENT_SPAN}-01"
    with otlp_receiver() as receiver, RicProcess(ROOT / "api", env=tracing_env(receiver.endpoint)) as runtime:
        plain = runtime.invoke(events.build_event("http", "GET", "/api/health"))
        spans_after_first = receiver.spans()
        child = runtime.invoke(events.build_event("http", "GET", "/api/health", headers=[("traceparent", traceparent)]))
        spans = receiver.spans()
        output = runtime.output()
    assert plain["statusCode"] == child["statusCode"] == 200
    # Flushed before the first invocation returned: the batch processor alone would still hold them.
    first_ids = {span.trace_id for span in spans_after_first}
    assert len(first_ids) == 1 and spans_after_first, spans_after_first
    (first_trace,) = first_ids
    servers = [span for span in spans if span.attributes.get("http.route") == "/api/health"]
    assert {span.name for span in servers} == {"GET /api/health"}
    # The caller's traceparent: the second request's span is its child, in its trace.
    (joined,) = [span for span in servers if span.trace_id == PARENT_TRACE]
    assert joined.parent_span_id == PARENT_SPAN
    # Every log line of each request carries its trace id.
    plain_lines = request_lines(output, plain["headers"]["x-request-id"])
    child_lines = request_lines(output, child["headers"]["x-request-id"])
    assert plain_lines and {line["trace_id"] for line in plain_lines} == {first_trace}
    assert child_lines and {line["trace_id"] for line in child_lines} == {PARENT_TRACE}
    # Without a traceparent, the trace is the one of Lambda's X-Ray id (its root starts with the time).
    assert abs(int(first_trace[:8], 16) - time.time()) < 600


def test_no_sdk_module_is_imported_unless_tracing_is_on() -> None:
    # Nothing listens on port 9: no span is sampled, so no invocation waits for an export.
    switch = {
        "FASTAPI_OTEL_AUTO_CONFIGURE": "true",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9",
        "OTEL_TRACES_SAMPLER": "always_off",
    }
    off, _ = drive(ROOT, development_environ())
    endpoint_only, _ = drive(ROOT, development_environ(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9"))
    on, _ = drive(ROOT, development_environ(**switch))
    assert off["opentelemetry_sdk"] == endpoint_only["opentelemetry_sdk"] == []
    assert "opentelemetry.sdk.trace" in on["opentelemetry_sdk"]  # the control: the probe sees the SDK
    for results in (off, on):
        assert results["asgi"]["/api/health"]["status"] == 200


def test_a_missing_sdk_is_the_fallbacks_diagnosis(tmp_path: Path) -> None:
    switch = {"FASTAPI_OTEL_AUTO_CONFIGURE": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"}
    env = development_environ(**switch, PYTHONPATH=str(shadow_missing(tmp_path, "opentelemetry.sdk")))
    results, _ = drive(ROOT, env)
    for answer in (results["asgi"]["/api/health"], results["lambda"]["http"]["/api/health"]):
        assert answer["status"] == 503
        diagnosis = answer["body"]["diagnosis"]
        assert diagnosis["type"] == "missing_dependency"
        assert diagnosis["module"] == "opentelemetry.sdk"
        assert "fastapi[opentelemetry]" in diagnosis["hint"]
    # Off, the same missing package changes nothing.
    env.pop("FASTAPI_OTEL_AUTO_CONFIGURE")
    healthy, _ = drive(ROOT, env)
    assert healthy["asgi"]["/api/health"]["status"] == 200


def test_the_flush_waits_at_most_its_timeout_for_a_silent_collector() -> None:
    with raw_listener("silent") as port:
        env = {
            **tracing_env(f"http://127.0.0.1:{port}"),
            "TRACE_FLUSH_TIMEOUT_S": "0.5",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "60",  # the exporter alone would wait a minute
        }
        with RicProcess(ROOT / "api", env=env) as runtime:
            runtime.wait_initialized()
            started = time.monotonic()
            answer = runtime.invoke(events.build_event("http", "GET", "/api/health"))
            elapsed = time.monotonic() - started
            output = runtime.output()
    assert answer["statusCode"] == 200
    assert elapsed < 15, elapsed  # 0.5 s bound, generous margin on a loaded machine
    assert "spans not exported within TRACE_FLUSH_TIMEOUT_S" in output
