"""Vercel's real Python shim (`vercel-runtime`) in a child process, driven as the platform drives it.

The platform's side of the IPC protocol (read from `vercel_runtime/vc_init.py`, 0.23.2): it
listens on a Unix socket named by `VERCEL_IPC_PATH`; the shim connects while being imported,
imports the entrypoint, serves HTTP on 127.0.0.1:ephemeral and sends NUL-terminated JSON
messages: `server-started` (payload.httpPort), `unrecoverable-error` (the import failed), and per
request `handler-started`, `log` (base64 message) and `end`. Requests are plain HTTP carrying
`x-vercel-internal-invocation-id` and `x-vercel-internal-request-id`, which the shim strips.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.localplatform import child

# What the trampoline of @vercel/python does before handing over to the shim.
TRAMPOLINE = "import vercel_runtime.vc_init"


class UnrecoverableError(RuntimeError):
    """The shim gave up (e.g. the entrypoint did not import) or exited before serving."""

    def __init__(self, message: str, output: str) -> None:
        self.output = output
        super().__init__(message)


@dataclass(frozen=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    logs: list[str] = field(default_factory=list)  # log lines the shim attributed to this request

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def json(self) -> Any:
        return json.loads(self.body)


class VercelProcess:
    """One Vercel function instance: start it, send it requests, read its IPC messages."""

    def __init__(
        self,
        project_root: str | os.PathLike[str],
        entrypoint: str = "api/index.py",
        *,
        variable: str = "app",
        env: Mapping[str, str] | None = None,
        python: str = sys.executable,
        command: Sequence[str] | None = None,
    ) -> None:
        self.project_root = Path(project_root).resolve()
        # What starts the shim: by default this Python imports the trampoline (vercel-runtime installed
        # beside the project's packages); the emulator passes an isolated interpreter instead.
        self.command = list(command) if command is not None else [python, "-c", TRAMPOLINE]
        self.entrypoint = entrypoint
        self.variable = variable
        self.extra_env = dict(env or {})
        self.python = python
        self.messages: list[dict[str, Any]] = []
        self.port: int | None = None
        self._changed = threading.Condition()
        self._dir = tempfile.mkdtemp(prefix="vc-ipc-")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._log = Path(self._dir) / "output.log"
        self._request_ids = itertools.count(1)
        self.process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None

    def environment(self) -> dict[str, str]:
        env = child.inherited()
        module = self.entrypoint.removesuffix(".py").replace("/", ".")
        env.update(
            {
                "VERCEL": "1",
                "VERCEL_ENV": "production",
                "VERCEL_REGION": "dev1",
                "VERCEL_IPC_PATH": str(Path(self._dir) / "ipc.sock"),
                "__VC_HANDLER_MODULE_NAME": module,
                "__VC_HANDLER_ENTRYPOINT": self.entrypoint,
                "__VC_HANDLER_ENTRYPOINT_ABS": str(self.project_root / self.entrypoint),
                "__VC_HANDLER_VARIABLE_NAME": self.variable,
            }
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout_s: float = 60.0) -> VercelProcess:
        """Start the shim and wait for `server-started`; raise `UnrecoverableError` if it gives up."""
        self._listener.bind(str(Path(self._dir) / "ipc.sock"))
        self._listener.listen(1)
        self._reader = threading.Thread(target=self._read_ipc, name="vercel-ipc", daemon=True)
        self._reader.start()
        with self._log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.project_root,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout_s
        with self._changed:  # short waits: a shim that exits without a word sends no message
            while self.port is None and self._failure() is None and time.monotonic() < deadline:
                self._changed.wait(0.1)
        failure = self._failure()
        if failure is not None or self.port is None:
            output = self.output()
            self.close()
            if failure is not None:
                raise UnrecoverableError(failure, output)
            raise TimeoutError(f"no server-started message in {timeout_s}s:\n{output}")
        return self

    def __enter__(self) -> VercelProcess:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.close()

    def _failure(self) -> str | None:
        for message in self.messages:
            if message.get("type") == "unrecoverable-error":
                return f"unrecoverable-error: {message.get('payload', {}).get('message')}"
        if self.process is not None and self.process.poll() is not None:
            return f"the shim exited with {self.process.returncode}"
        return None

    def _read_ipc(self) -> None:
        try:
            connection, _ = self._listener.accept()
        except OSError:  # closed before the shim connected
            with self._changed:
                self._changed.notify_all()
            return
        buffer = b""
        with connection:
            while chunk := connection.recv(65536):
                buffer += chunk
                *complete, buffer = buffer.split(b"\0")
                with self._changed:
                    for raw in complete:
                        message = json.loads(raw)
                        self.messages.append(message)
                        if message.get("type") == "server-started":
                            self.port = int(message["payload"]["httpPort"])
                    self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def output(self) -> str:
        """What the shim wrote to stdout/stderr outside the IPC channel."""
        return self._log.read_text(encoding="utf-8", errors="replace") if self._log.exists() else ""

    def logs(self, invocation_id: str | None = None) -> list[str]:
        """Decoded `log` messages, all of them or those of one invocation."""
        with self._changed:
            found = [m["payload"] for m in self.messages if m.get("type") == "log"]
        return [
            base64.b64decode(p["message"]).decode("utf-8", "replace")
            for p in found
            if invocation_id is None or p.get("context", {}).get("invocationId") == invocation_id
        ]

    def request(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        timeout_s: float = 60.0,
    ) -> Response:
        """One request as the platform sends it; waits for the shim's `end` message."""
        invocation_id, sent = self._platform_headers(headers)
        connection = http.client.HTTPConnection("127.0.0.1", self._port(), timeout=timeout_s)
        try:
            connection.request(method, path, body=body, headers=sent)
            reply = connection.getresponse()
            data = reply.read()
        finally:
            connection.close()
        self.wait_ended(invocation_id, timeout_s)
        return Response(reply.status, reply.getheaders(), data, self.logs(invocation_id))

    @contextlib.contextmanager
    def stream(
        self, method: str, path: str, headers: Mapping[str, str] | None = None, timeout_s: float = 60.0
    ) -> Iterator[tuple[str, http.client.HTTPResponse]]:
        """A request whose response is read as it arrives: (invocation id, the open response).

        Leaving the block closes the connection, as a client that goes away does."""
        invocation_id, sent = self._platform_headers(headers)
        connection = http.client.HTTPConnection("127.0.0.1", self._port(), timeout=timeout_s)
        try:
            connection.request(method, path, headers=sent)
            yield invocation_id, connection.getresponse()
        finally:
            connection.close()

    def _port(self) -> int:
        if self.port is None:
            raise RuntimeError("start() first")
        return self.port

    def _platform_headers(self, headers: Mapping[str, str] | None) -> tuple[str, dict[str, str]]:
        """A new invocation id and the headers the platform sends with a request."""
        invocation_id = uuid.uuid4().hex
        sent = {
            "host": "template.vercel.app",
            "x-forwarded-host": "template.vercel.app",
            "x-forwarded-proto": "https",
            "x-forwarded-for": "203.0.113.7",
            "x-real-ip": "203.0.113.7",
            "x-vercel-id": f"dev1::{invocation_id[:5]}-{int(time.time() * 1000)}-{invocation_id[5:17]}",
            **(headers or {}),
            "x-vercel-internal-invocation-id": invocation_id,
            "x-vercel-internal-request-id": str(next(self._request_ids)),
        }
        return invocation_id, sent

    def wait_ended(self, invocation_id: str, timeout_s: float) -> bool:
        """Wait for the shim's `end` message of an invocation (the handler returned); whether it came."""
        with self._changed:
            self._changed.wait_for(lambda: self.ended(invocation_id) or self._failure() is not None, timeout_s)
        return self.ended(invocation_id)

    def ended(self, invocation_id: str) -> bool:
        return any(
            m.get("type") == "end" and m.get("payload", {}).get("context", {}).get("invocationId") == invocation_id
            for m in self.messages
        )

    def close(self) -> None:
        child.stop(self.process)
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes an accept() still waiting for the shim
        self._listener.close()
        if self._reader is not None:
            self._reader.join(5)
        for name in ("ipc.sock", "output.log"):
            (Path(self._dir) / name).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            os.rmdir(self._dir)
