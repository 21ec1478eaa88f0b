"""The trace id of a request: read from the caller's headers as OpenTelemetry reads them, on only
when the same variables as the backend's settings say so."""

from __future__ import annotations

import json
import logging

import pytest
from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from backend_app.core.config import Settings, SettingsError, load_settings, read_environment
from failsafe import logs
from failsafe.trace_context import from_traceparent, from_xray, trace_id_for, trace_id_var, tracing_requested
from tests.failsafe.test_access_log import FIELDS, only_our_handler

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENTS = [
    f"00-{TRACE}-00f067aa0ba902b7-01",
    f"00-{TRACE}-00f067aa0ba902b7-00",
    f"  00-{TRACE}-00f067aa0ba902b7-01  ",
    f"01-{TRACE}-00f067aa0ba902b7-01-future-part",
    f"00-{TRACE}-00f067aa0ba902b7-01-extra",  # version 00 has no more parts
    f"ff-{TRACE}-00f067aa0ba902b7-01",
    f"00-{'0' * 32}-00f067aa0ba902b7-01",
    f"00-{TRACE}-{'0' * 16}-01",
    f"00-{TRACE.upper()}-00f067aa0ba902b7-01",
    f"00-{TRACE}-00f067aa0ba902b7",
    f"00-{TRACE}-00f067aa0ba902b7-01-{'x' * 600}",
    "",
    "garbage",
]


@pytest.mark.parametrize("value", TRACEPARENTS)
def test_traceparent_is_read_as_opentelemetry_reads_it(value: str) -> None:
    """The log lines' trace id is the span's: the same header is valid for both or for neither."""
    context = TraceContextTextMapPropagator().extract({"traceparent": value})
    span = trace.get_current_span(context).get_span_context()
    expected = f"{span.trace_id:032x}" if span.is_valid else None
    assert from_traceparent(value) == expected


def test_xray_ids_in_w3c_form() -> None:
    header = "Self=1-67891234-12456789abcdef012345678;Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0"
    assert from_xray(header) == "5759e988bd862e3fe1be46a994272793"
    assert from_xray("Root=1-5759E988-BD862E3FE1BE46A994272793") == "5759e988bd862e3fe1be46a994272793"
    assert from_xray("Root=2-5759e988-bd862e3fe1be46a994272793") is None
    assert from_xray(None) is None


def test_which_id_a_request_gets(monkeypatch: pytest.MonkeyPatch) -> None:
    xray = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-00000001-000000000000000000000002")
    traceparent = f"00-{TRACE}-00f067aa0ba902b7-01"
    assert trace_id_for({b"traceparent": traceparent, b"x-amzn-trace-id": xray}, on_lambda=True) == TRACE
    assert trace_id_for({b"traceparent": "bad", b"x-amzn-trace-id": xray}, on_lambda=True) == from_xray(xray)
    assert trace_id_for({}, on_lambda=True) == "00000001000000000000000000000002"
    fresh = {trace_id_for({}, on_lambda=False) for _ in range(3)}  # off Lambda the variable is no one's
    assert len(fresh) == 3 and all(len(value) == 32 for value in fresh)


SWITCH = {"FASTAPI_OTEL_AUTO_CONFIGURE": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}
CASES = [
    ({}, False),
    (SWITCH, True),
    ({**SWITCH, "FASTAPI_OTEL_AUTO_CONFIGURE": "1"}, True),
    ({"FASTAPI_OTEL_AUTO_CONFIGURE": "true"}, False),
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, False),
    ({"FASTAPI_OTEL_AUTO_CONFIGURE": "true", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, True),
    ({**SWITCH, "OTEL_SDK_DISABLED": "true"}, False),
    ({**SWITCH, "OTEL_TRACES_EXPORTER": "none"}, False),
    ({**SWITCH, "OTEL_TRACES_EXPORTER": "OTLP"}, True),
    ({**SWITCH, "OTEL_TRACES_EXPORTER": "console"}, False),
    ({**SWITCH, "FASTAPI_OTEL_AUTO_CONFIGURE": "false"}, False),
]


@pytest.mark.parametrize(("env", "on"), CASES)
def test_failsafe_and_the_settings_agree_on_when_tracing_is_on(env: dict[str, str], on: bool) -> None:
    assert tracing_requested(env) is on
    settings = Settings.model_validate(read_environment({**env, "ENVIRONMENT": "development"}))
    assert settings.tracing_enabled is on


def test_the_trace_id_is_a_field_of_both_kinds_of_line(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    handler = only_our_handler(monkeypatch)
    capfd.readouterr()
    token = trace_id_var.set(TRACE)
    try:
        logs.access(logs.get_logger("request"), logging.INFO, FIELDS)
        record = logging.LogRecord("app.request", logging.WARNING, __file__, 1, "something", (), None)
        formatted = json.loads(handler.format(record))
    finally:
        trace_id_var.reset(token)
    assert json.loads(capfd.readouterr().err)["trace_id"] == formatted["trace_id"] == TRACE
    logs.access(logs.get_logger("request"), logging.INFO, FIELDS)
    assert "trace_id" not in json.loads(capfd.readouterr().err)  # tracing off: lines as before


def test_a_bad_endpoint_is_a_settings_error_only_with_tracing_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318")  # no scheme: the exporter cannot use it
    assert load_settings(environment="development").tracing_enabled is False  # other tools may read it their way
    monkeypatch.setenv("FASTAPI_OTEL_AUTO_CONFIGURE", "true")
    with pytest.raises(SettingsError) as failure:
        load_settings(environment="development")
    assert failure.value.variables == ["OTEL_EXPORTER_OTLP_ENDPOINT"]
    assert "localhost:4318" not in str(failure.value)
