"""The trace id of the request being served, when tracing is on: a field of each of its log lines.

Tracing is on when FastAPI's own switch and an OTLP endpoint say so (`tracing_requested`; the
variables are in docs/configuration.md, OpenTelemetry's standard ones). The hardening layer then picks
each request's trace id before the app runs, from the standard library alone, so the fallback's
lines carry it too; the backend's tracer (`backend_app.core.tracing`) gives the request's spans
the same id. Where the id comes from, first found:

    traceparent         W3C Trace Context, the rules OpenTelemetry's propagator applies (the span
                        becomes a child of the caller's)
    X-Amzn-Trace-Id     the X-Ray header API Gateway and ALB add (`Root=1-5759e988-bd86...`)
    _X_AMZN_TRACE_ID    the X-Ray id Lambda sets for each invocation
    a new random id

An X-Ray id gives only the trace id: its `Sampled=0` (what Lambda sets unless X-Ray's active
tracing is on) must not stop the export, so the request's span starts a trace under that id.
"""

from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Mapping

from failsafe import envparse

trace_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("trace_id", default=None)

_TRACEPARENT = re.compile(r"[ \t]*([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:(-.*)|[ \t]*)")
_TRACEPARENT_MAX = 512
_XRAY_ROOT = re.compile(r"(?:^|;)\s*Root=1-([0-9a-fA-F]{8})-([0-9a-fA-F]{24})(?:;|$)")


def tracing_requested(environ: Mapping[str, str] | None = None) -> bool:
    """FASTAPI_OTEL_AUTO_CONFIGURE is true, an OTLP traces endpoint is set, OTEL_SDK_DISABLED is
    not true and OTEL_TRACES_EXPORTER is unset or `otlp`. Lenient: an unreadable boolean counts
    as false (the backend's settings report it)."""
    env = os.environ if environ is None else environ
    try:
        switched_on = envparse.get_bool("FASTAPI_OTEL_AUTO_CONFIGURE", False, env)
        disabled = envparse.get_bool("OTEL_SDK_DISABLED", False, env)
    except envparse.EnvError:
        return False
    endpoint = envparse.get_str("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", env) or envparse.get_str(
        "OTEL_EXPORTER_OTLP_ENDPOINT", env
    )
    exporter = (envparse.get_str("OTEL_TRACES_EXPORTER", env) or "otlp").lower()
    return switched_on and not disabled and endpoint is not None and exporter == "otlp"


def from_traceparent(value: str | None) -> str | None:
    """The trace id of a valid `traceparent`, else None (then OpenTelemetry ignores it too)."""
    if not value or len(value) > _TRACEPARENT_MAX:
        return None
    match = _TRACEPARENT.fullmatch(value)
    if match is None:
        return None
    version, trace_id, span_id, _flags, rest = match.groups()
    if trace_id == "0" * 32 or span_id == "0" * 16 or version == "ff" or (version == "00" and rest):
        return None
    return trace_id


def from_xray(value: str | None) -> str | None:
    """The trace id in an X-Ray header (`Root=1-{8 hex time}-{24 hex}`), in W3C form."""
    match = _XRAY_ROOT.search(value) if value else None
    return (match.group(1) + match.group(2)).lower() if match else None


def trace_id_for(headers: Mapping[bytes, str], *, on_lambda: bool) -> str:
    """This request's trace id (module docstring: the order of the sources)."""
    found = from_traceparent(headers.get(b"traceparent")) or from_xray(headers.get(b"x-amzn-trace-id"))
    if found is None and on_lambda:
        # Lambda's runtime client sets it before each invocation: per-invocation state, not a setting.
        found = from_xray(os.environ.get("_X_AMZN_TRACE_ID"))
    return found or os.urandom(16).hex()
