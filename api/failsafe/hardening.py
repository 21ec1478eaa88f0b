"""The hardening layer: one pure ASGI layer in front of whichever app answers, the backend or the fallback.

Both get the same request ids, logs, security headers, CORS, limits and base-path handling from
the same code, so the fallback behaves like the backend in every way a client can see. Each
policy lives in its own module under `failsafe/policies/` (security headers, CORS, deadline,
body limit, path prefix), the request id in `request_id.py`, the access line in `access_log.py`;
this class only wires them around one call of the app, with one pass over the headers each way.
One layer measured ~5-15 us less per warm Lambda invocation of ~270 us than six stacked
middleware classes (bench/middleware.py): the work in the layers costs more than the layers.

What each response passes through, innermost first, and why in this order:

    body limit     drops the app's answer once the streamed body passed the limit (-> 413)
    deadline       504 `timeout` before the platform's own gateway error (a started event stream:
                   a last `timeout` event); streamed bodies pass through as sent, never buffered
    CORS           so a browser can read the 413 and 504 answers too (preflights end here)
    request ids    `x-request-id`, status for the access line, HEAD bodies stripped
    security       headers on every response, the last-resort 500 included

The preflight answer, the 413 and the 504 are made here and take the same way out (the preflight
without the ordinary CORS headers: it carries its own).
"""

from __future__ import annotations

import asyncio
import re
import time

from failsafe.access_log import log_request
from failsafe.asgi import ASGIApp, Message, RawHeaders, Receive, Scope, Send, headers_named
from failsafe.catalogue import INTERNAL_ERROR
from failsafe.emf import EmbeddedMetrics
from failsafe.errors import send_error
from failsafe.logs import get_logger
from failsafe.options import Options
from failsafe.platform import Platform
from failsafe.policies.body_limit import BodyLimit, BodyTooLarge
from failsafe.policies.cors import CORSPolicy, merged
from failsafe.policies.deadline import EVENT_STREAM, Deadline
from failsafe.policies.path_prefix import PathPrefix
from failsafe.policies.security_headers import api_headers
from failsafe.request_id import client_request_id, request_id_for, request_id_var
from failsafe.status import RUNTIME
from failsafe.trace_context import trace_id_for, trace_id_var

log = get_logger("request")  # the logger of the lines about a request, the access line's too

# The request headers any concern reads, found in one pass over the list.
_WANTED = frozenset(
    {
        b"content-length",
        b"origin",
        b"access-control-request-method",
        b"x-vercel-id",
        b"x-request-id",
        b"traceparent",
        b"x-amzn-trace-id",
    }
)


class HardeningLayer:
    def __init__(
        self,
        app: ASGIApp,
        *,
        platform: Platform,
        security: RawHeaders,
        cors: CORSPolicy | None,
        deadline: Deadline,
        body_limit: BodyLimit,
        prefix: PathPrefix,
        tracing: bool = False,
        metrics: EmbeddedMetrics | None = None,
    ) -> None:
        self.app = app
        self.platform = platform
        self.security = security  # added to every response, unless the app set the same name
        self.cors = cors if cors is not None and cors.enabled else None
        self.deadline = deadline
        self.body_limit = body_limit
        self.prefix = prefix
        self.tracing = tracing  # a trace id for each request's log lines (failsafe.trace_context)
        self.metrics = metrics  # the access line as an embedded-metric-format record (failsafe.emf)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = headers_named(scope, _WANTED)
        request_id = request_id_for(scope, headers, self.platform)
        client_id = client_request_id(headers)
        token = request_id_var.set(request_id)
        trace_token = (
            trace_id_var.set(trace_id_for(headers, on_lambda=self.platform == "lambda")) if self.tracing else None
        )
        cold = RUNTIME.count_invocation() == 1
        started = time.perf_counter()
        method = scope.get("method")
        head = method == "HEAD"  # servers strip HEAD bodies; Mangum and the Lambda adapters do not
        security = self.security
        id_header = (b"x-request-id", request_id.encode("latin-1"))
        limit = self.body_limit
        cors = self.cors
        origin = headers.get(b"origin") if cors is not None else None
        cors_headers = cors.response_headers(origin) if cors is not None else None
        status = 500
        app_scope = scope  # what the app was given: the route it matched is recorded there
        response_started = False
        event_stream = False  # the app answered server-sent events: the deadline ends them with an event
        response_finished = False
        received = 0
        exceeded = False  # the streamed body passed the limit: the app's own answer is dropped

        # One wrapper does what each concern adds to the way out, innermost first (module docstring).
        async def send_out(message: Message) -> None:
            nonlocal status, response_started, event_stream, response_finished
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                app_headers = message.get("headers") or ()
                if cors_headers is not None:
                    app_headers = merged(app_headers, cors_headers)
                # One pass: our request id replaces any the app set; its own security headers win;
                # an event stream is noted for the deadline.
                kept: RawHeaders = []
                present = set()
                for name, value in app_headers:
                    lower = name.lower()
                    if lower != b"x-request-id":
                        kept.append((name, value))
                        present.add(lower)
                        if lower == b"content-type":
                            event_stream = value.lower().startswith(EVENT_STREAM)
                kept.append(id_header)
                kept += [(name, value) for name, value in security if name not in present]
                message["headers"] = kept
            elif message["type"] == "http.response.body":
                response_finished = not message.get("more_body", False)
                if head:
                    message = {**message, "body": b""}
            await send(message)

        async def app_send(message: Message) -> None:
            if not exceeded:
                await send_out(message)

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body") or b"")
                if received > limit.max_bytes:
                    exceeded = True
                    raise BodyTooLarge
            return message

        failed = False
        try:
            if origin and cors is not None and method == "OPTIONS" and headers.get(b"access-control-request-method"):
                cors_headers = None  # the preflight's headers are its own
                await cors.preflight(send_out, origin)
            elif limit.declared_too_large(headers.get(b"content-length")):
                await limit.refuse(send_out, head=head)
            else:
                limit_s = self.deadline.budget_s(scope)
                timeout = asyncio.timeout(limit_s)
                try:
                    async with timeout:
                        try:
                            app_scope = self.prefix.rewrite(scope)
                            await self.app(app_scope, counting_receive, app_send)
                        except Exception:
                            if not exceeded:  # past the limit, BodyTooLarge or whatever the app made of it
                                raise
                        if exceeded and not response_started:
                            await limit.refuse(send_out, head=head)
                except TimeoutError:
                    if not timeout.expired():
                        raise  # the app's own timeout (a service call), not ours: the app reports it
                    await Deadline.expired(
                        scope,
                        send_out,
                        limit_s,
                        started=response_started,
                        finished=response_finished,
                        event_stream=event_stream,
                    )
        except Exception:
            failed = True
            log.exception("unhandled error", extra={"method": method, "path": scope.get("path")})
            if not response_started:
                await send_error(send_out, INTERNAL_ERROR.status, INTERNAL_ERROR.code, INTERNAL_ERROR.message)
        finally:
            metrics = self.metrics.fields(app_scope, status, cold=cold) if self.metrics is not None else None
            log_request(
                scope,
                status,
                started,
                cold=cold,
                platform=self.platform,
                failed=failed,
                client_id=client_id,
                metrics=metrics,
            )
            request_id_var.reset(token)
            if trace_token is not None:
                trace_id_var.reset(trace_token)


def harden(app: ASGIApp, options: Options) -> HardeningLayer:
    """`app` behind the hardening layer, configured from `options`."""
    cors: CORSPolicy | None = None
    try:
        cors = CORSPolicy(options.cors_origins, options.cors_origin_regex, options.cors_max_age_s)
    except re.error:
        # The settings report an invalid CORS_ORIGIN_REGEX; the fallback must still answer.
        log.warning("CORS_ORIGIN_REGEX is not a valid regular expression; CORS is off")
    emf = options.metrics_emf and options.platform == "lambda"  # only CloudWatch Logs reads the records
    metrics = EmbeddedMetrics(options.metrics_namespace) if emf else None
    return HardeningLayer(
        app,
        platform=options.platform,
        security=api_headers(production=options.production),
        cors=cors,
        deadline=Deadline(options.request_timeout_s),
        body_limit=BodyLimit(max(1, options.max_body_bytes)),
        prefix=PathPrefix(options.api_base_path),
        tracing=options.tracing,
        metrics=metrics,
    )
