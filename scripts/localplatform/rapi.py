"""A loopback stand-in for the Lambda Runtime API, enough for `awslambdaric` to serve invocations.

Implements what a runtime client calls (API version 2018-06-01): `GET invocation/next` (blocks
until an event is queued), `POST invocation/{id}/response`, `POST invocation/{id}/error` and
`POST init/error`. The caller queues events with `submit` and reads outcomes with `outcome`.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PREFIX = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"


@dataclass(frozen=True)
class Outcome:
    """What the runtime posted: a response, an invocation error or an init error."""

    kind: str  # "response", "error" or "init_error"
    body: bytes
    error_type: str | None = None

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class _Pending:
    request_id: str
    body: bytes
    deadline_ms: int


class RuntimeAPI:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, function_arn: str | None = None) -> None:
        self.function_arn = function_arn or "arn:aws:lambda:us-east-1:000000000000:function:local"
        self._queue: queue.Queue[_Pending] = queue.Queue()
        self._outcomes: dict[str, Outcome] = {}
        self._changed = threading.Condition()
        self._closed = threading.Event()
        self.init_error: Outcome | None = None
        self.next_calls = 0  # the first `next` means the runtime finished its init phase
        self._server = _Server((host, port), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, name="runtime-api", daemon=True)

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    def start(self) -> RuntimeAPI:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closed.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> RuntimeAPI:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.close()

    def submit(self, event: Any, *, timeout_s: float = 30.0) -> str:
        """Queue an event (JSON-encoded unless bytes); returns its request id."""
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        request_id = str(uuid.uuid4())
        self._queue.put(_Pending(request_id, body, int((time.time() + timeout_s) * 1000)))
        return request_id

    def outcome(self, request_id: str, timeout_s: float) -> Outcome | None:
        """The outcome of one invocation; None if none arrived in time (or init failed first)."""
        with self._changed:
            self._changed.wait_for(lambda: request_id in self._outcomes or self.init_error is not None, timeout_s)
            return self._outcomes.get(request_id)

    def wait(self, predicate: Callable[[], bool], timeout_s: float) -> bool:
        """Wait until `predicate()` holds; it is re-checked whenever the runtime calls the API."""
        with self._changed:
            return bool(self._changed.wait_for(predicate, timeout_s))

    def _record(self, request_id: str | None, outcome: Outcome) -> None:
        with self._changed:
            if request_id is None:
                self.init_error = outcome
            else:
                self._outcomes[request_id] = outcome
            self._changed.notify_all()

    def _next(self) -> _Pending | None:
        with self._changed:
            self.next_calls += 1
            self._changed.notify_all()
        while not self._closed.is_set():
            try:
                return self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # the runtime was stopped mid-request
            super().handle_error(request, client_address)


def _handler_for(api: RuntimeAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, the client's delayed ACK adds ~40 ms.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the runtime's own output is what the caller wants to read

        def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path != f"{PREFIX}/invocation/next":
                self._reply(404, b'{"errorMessage":"unknown path"}')
                return
            pending = api._next()
            if pending is None:
                self._reply(500, b'{"errorMessage":"runtime API closed"}')
                return
            headers = {
                "Content-Type": "application/json",
                "Lambda-Runtime-Aws-Request-Id": pending.request_id,
                "Lambda-Runtime-Deadline-Ms": str(pending.deadline_ms),
                "Lambda-Runtime-Invoked-Function-Arn": api.function_arn,
                "Lambda-Runtime-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=0",
            }
            self._reply(200, pending.body, headers)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            error_type = self.headers.get(ERROR_TYPE_HEADER)
            parts = self.path.removeprefix(PREFIX + "/").split("/")
            if parts == ["init", "error"]:
                api._record(None, Outcome("init_error", body, error_type))
            elif len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                api._record(parts[1], Outcome(parts[2], body, error_type))
            else:
                self._reply(404, b'{"errorMessage":"unknown path"}')
                return
            self._reply(202, b'{"status":"OK"}', {"Content-Type": "application/json"})

    return Handler
