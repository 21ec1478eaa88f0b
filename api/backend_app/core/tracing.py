"""Traces over OTLP/HTTP: FastAPI's native spans, exported by OpenTelemetry's SDK when tracing is on.

Imported by the app factory only when `Settings.tracing_enabled`, inside the guarded load: with
tracing off no OpenTelemetry SDK module is imported at all, and with tracing on a missing
`fastapi[opentelemetry]` extra is the fallback's diagnosis, not a warning at the first request.
FastAPI makes the spans (`FastAPI(telemetry=...)`); this module gives it a tracer provider that

- exports in batches over OTLP/HTTP (the exporter reads OpenTelemetry's standard variables:
  endpoint, headers, timeout; the SDK reads the sampler and `OTEL_SERVICE_NAME`);
- starts a request's trace under the id the hardening layer chose for its log lines
  (`failsafe.trace_context`): a caller's `traceparent` makes the span its child instead;
- is flushed by the Lambda entry after each invocation (`failsafe.flushes`), waiting at most
  `TRACE_FLUSH_TIMEOUT_S`: a frozen environment would keep the batch until the next invocation.

The provider is the process's global one (OpenTelemetry allows one), so manual spans
(`opentelemetry.trace.get_tracer(__name__)`) land in the same traces.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FlushTimeout

from fastapi.telemetry import TelemetryConfig

from failsafe import flushes
from failsafe.logs import get_logger
from failsafe.trace_context import trace_id_var

# Optional for the pre-deploy check's import scan (only imported with tracing on); a missing
# package still raises, and the loader's diagnosis names it.
try:
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
except ImportError:
    raise

log = get_logger("tracing")
_provider: TracerProvider | None = None


class RequestTraceIds(RandomIdGenerator):
    """A new trace takes the id the hardening layer chose for the request (random outside one)."""

    def generate_trace_id(self) -> int:
        chosen = trace_id_var.get()
        return int(chosen, 16) if chosen else super().generate_trace_id()


def telemetry_config(flush_timeout_s: float) -> TelemetryConfig:
    """`FastAPI(telemetry=...)` with the provider; FastAPI's own set-up from the environment stays
    off (it would run at the first lifespan, outside the guarded load, and add metric and log
    exporters this template does not flush). FastAPI's metrics and logs stay as FastAPI has them:
    inert unless the app registers providers of its own."""
    return {"tracer_provider": tracer_provider(flush_timeout_s), "auto_configure": False}


def tracer_provider(flush_timeout_s: float) -> TracerProvider:
    """The process's provider, made (and registered for flushing) once."""
    global _provider
    if _provider is None:
        provider = TracerProvider(id_generator=RequestTraceIds())
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)
        flusher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trace-flush")

        def flush() -> None:
            # In a worker so that the wait is bounded: the batch processor's flush ignores its
            # timeout, and an unreachable collector would hold the invocation for the exporter's
            # whole timeout (10 s by default) with its retries.
            try:
                flusher.submit(provider.force_flush).result(timeout=flush_timeout_s)
            except FlushTimeout:
                log.warning("spans not exported within TRACE_FLUSH_TIMEOUT_S (%gs)", flush_timeout_s)

        flushes.register(flush)
        _provider = provider
    return _provider
