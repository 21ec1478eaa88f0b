"""Structured logs: one JSON object per line, written to stderr (on Vercel: handed to the runtime's handler).

Log-based alarms (the SAM template's metric filter) read `level`; every line carries the request
id of the request it belongs to, and its `trace_id` when tracing is on (failsafe.trace_context).

On Vercel, `vercel-runtime` wraps `sys.stderr` as a stream without levels and puts a handler on the
root logger that sends each record over IPC with its level (`info`, `warn`, `error`): there each
line goes to that handler as a record of its own level, so the platform's log view filters by
level, and the text stays the same JSON line.

Nothing here ever logs a header value, a cookie or a body: callers pass only the fields named in
`REQUEST_FIELDS` (`client_request_id` is a client's `x-request-id` only when it
is 8-128 characters of letters, digits and `._:-`).
"""

from __future__ import annotations

import json
import logging
import math
import sys
import threading
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from failsafe.diagnosis import redact
from failsafe.request_id import request_id_var
from failsafe.trace_context import trace_id_var

LOGGER_NAME = "app"
REQUEST_FIELDS = (
    *("method", "path", "status", "duration_ms", "cold_start", "platform", "event", "client_request_id"),
    *("_aws", "route", "status_class", "cold_starts"),  # failsafe.emf, when on
)
_configured = False
_secrets: tuple[str, ...] | None = None  # masked in messages; None: the environment's, looked up per line
_NO_LOCK = threading.Lock()


# One encoder for every line: `json.dumps` with options builds a new encoder per call (~2 us of a
# ~9 us line, and one access line is written per request).
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
# The C string quoter `json` itself uses (non-ASCII kept, as with ensure_ascii=False).
_quote: Any = json.encoder.encode_basestring
_FIELD_KEYS = {name: f"{_quote(name)}: " for name in REQUEST_FIELDS}
_ACCESS_HEADS: dict[tuple[int, str], str] = {}  # the constant middle of the access line, per level and logger


def _json_value(value: object) -> str:
    """One JSON value: the access line's field types directly, anything else through the encoder."""
    if type(value) is str:
        return str(_quote(value))
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return repr(value)
    return _ENCODER.encode(value)


def _timestamp(created: float, _cache: dict[int, str] = {}) -> str:  # noqa: B006 - the cache is the point
    """ISO-8601 UTC with milliseconds; the part up to the second is formatted once per second."""
    second = int(created)
    prefix = _cache.get(second)
    if prefix is None:
        _cache.clear()
        prefix = _cache[second] = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{prefix}.{int((created - second) * 1000):03d}+00:00"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": _timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        trace_id = trace_id_var.get()
        if trace_id is not None:
            entry["trace_id"] = trace_id
        for name in REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["traceback"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif isinstance(formatted := getattr(record, "traceback", None), str):
            entry["traceback"] = formatted  # already formatted (and redacted) by the caller
        if record.levelno >= logging.WARNING or "traceback" in entry:
            # Exception messages carry what drivers put in them (DSNs, tokens); the access line at
            # INFO carries only the fields above and stays off this path, which costs ~20 us a line.
            entry["message"] = redact(entry["message"], _secrets)
            if "traceback" in entry:
                entry["traceback"] = redact(entry["traceback"], _secrets)
        return _ENCODER.encode(entry)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at emit time (test capture replaces it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


class _RuntimeHandler(logging.Handler):
    """Formats a record as our JSON line and hands it, as a record of the same level, to `target`."""

    def __init__(self, target: logging.Handler) -> None:
        super().__init__()
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        # The runtime's handler sends `getMessage()` (plus a plain traceback for `exc_info`): the
        # JSON line is the whole message, its traceback already inside.
        attributes = {"name": record.name, "levelno": record.levelno, "levelname": record.levelname, "msg": line}
        self.target.handle(logging.makeLogRecord(attributes))


def _vercel_runtime_handler() -> logging.Handler | None:
    """The handler `vercel-runtime` puts on the root logger when it serves over IPC, if there is one."""
    for handler in logging.getLogger().handlers:
        if type(handler).__module__.startswith("vercel_runtime"):
            return handler
    return None


def _sole_handler(logger: logging.Logger) -> logging.Handler | None:
    """Our JSON handler when it is the only place a record from `logger` would go, else None."""
    found: list[logging.Handler] = []
    current: logging.Logger | None = logger
    while current is not None:
        if current.filters or current.disabled:
            return None
        found += current.handlers
        if not current.propagate:
            break
        current = current.parent
    if len(found) == 1 and isinstance(found[0], _StderrHandler) and not found[0].filters:
        return found[0]
    return None


def access(logger: logging.Logger, level: int, fields: dict[str, Any]) -> None:
    """The one line per request. In the default setup (our JSON handler alone) it is encoded and
    written directly: building a LogRecord and formatting it cost ~15 us of a ~140 us warm
    invocation (bench/middleware.py). Any other setup gets a regular record, so extra handlers,
    filters and test capture see it as before."""
    if not logger.isEnabledFor(level):
        return
    handler = _sole_handler(logger)
    if handler is None or level < handler.level:
        logger.log(level, "request", extra=fields)
        return
    # Written field by field: the same object `JsonFormatter` makes, in a third of the time a
    # dict through `JSONEncoder` took (~5 us -> ~1.5 us here).
    head = _ACCESS_HEADS.get((level, logger.name))
    if head is None:
        head = _ACCESS_HEADS[(level, logger.name)] = (
            f'", "level": "{logging.getLevelName(level)}", "logger": {_json_value(logger.name)}, '
            '"message": "request", "request_id": '
        )
    parts = [f'{{"timestamp": "{_timestamp(time.time())}{head}{_json_value(request_id_var.get())}']
    trace_id = trace_id_var.get()
    if trace_id is not None:
        parts.append(f', "trace_id": {_json_value(trace_id)}')
    parts += [
        f", {_FIELD_KEYS[name]}{_json_value(value)}"
        for name, value in fields.items()
        if value is not None and name in _FIELD_KEYS
    ]
    parts.append("}\n")
    line = "".join(parts)
    with handler.lock or _NO_LOCK:
        stream = sys.stderr
        stream.write(line)
        stream.flush()


def configure(
    level: str = "INFO", secrets: tuple[str, ...] | None = None, *, platform: str | None = None
) -> logging.Logger:
    """Install the JSON handler on the `app` logger once; later calls change the level (and the
    masked `secrets`, when given). On Vercel (`platform`), the handler hands the lines to the
    runtime's own handler when it installed one (it does when serving over IPC)."""
    global _configured, _secrets
    if secrets is not None:
        _secrets = secrets
    logger = logging.getLogger(LOGGER_NAME)
    if not _configured:
        runtime = _vercel_runtime_handler() if platform == "vercel" else None
        handler: logging.Handler = _StderrHandler() if runtime is None else _RuntimeHandler(runtime)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        # The Lambda runtime puts its own handler on the root logger; not propagating keeps
        # each line single and JSON.
        logger.propagate = False
        # Mangum logs every request as plain text; our middleware already logs one JSON line.
        logging.getLogger("mangum").setLevel(logging.WARNING)
        _configured = True
    logger.setLevel(level.upper() if level.upper() in logging.getLevelNamesMapping() else "INFO")
    return logger


def get_logger(child: str | None = None) -> logging.Logger:
    return logging.getLogger(LOGGER_NAME if child is None else f"{LOGGER_NAME}.{child}")
