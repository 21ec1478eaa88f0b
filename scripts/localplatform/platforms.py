"""The two platforms `emulate.py serve` puts behind its HTTP server."""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from scripts.localplatform import events
from scripts.localplatform.functions import InProcessFunction, Invocation, RicFunction
from scripts.localplatform.gateway import Gateway, Headers, HttpResponse
from scripts.localplatform.isolation import DeployedFunction
from scripts.localplatform.static import public_file, static_response
from scripts.localplatform.vercel import UnrecoverableError, VercelProcess
from scripts.localplatform.vercelconfig import VercelRoutes

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "upgrade", "te"}
# Synchronous invocation payload limit, request and response (6 MB); Mangum does not check it.
LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024
# Vercel Functions: request and response bodies up to 4.5 MB (counted here in decimal megabytes).
VERCEL_BODY_BYTES = 4_500_000


class LambdaPlatform:
    def __init__(
        self,
        root: Path,
        fmt: str,
        stage: str | None,
        runtime: str,
        handler: str,
        env: dict[str, str],
        memory_mb: int = 512,
        log: Any = sys.stderr,
        deployed: DeployedFunction | None = None,
    ) -> None:
        if fmt not in events.FORMATS:
            raise ValueError(f"unknown event format {fmt!r}")
        self.gateway = Gateway(fmt, stage)
        self.public = root / "public" if (root / "public").is_dir() else None
        self.log = log
        task_root = root / "api"
        self.deployed = deployed
        self.function: InProcessFunction | RicFunction
        if deployed is not None:  # a child process either way: the isolated interpreter
            self.function = RicFunction(deployed.tree, handler, env, memory_mb, log=log, command=deployed.command)
        elif runtime == "ric":
            self.function = RicFunction(task_root, handler, env, memory_mb, log=log)
        else:
            self.function = InProcessFunction(task_root, handler, env, memory_mb)
        where = f"stage /{self.gateway.stage}" if self.gateway.stage else "no stage"
        self.name = f"lambda ({fmt}, {where}, {runtime})"

    def handle(self, method: str, target: str, headers: Headers, body: bytes, client_ip: str) -> HttpResponse:
        path = target.split("?", 1)[0]
        if method in ("GET", "HEAD") and not path.startswith(self.gateway.prefix + "/api"):
            found = public_file(self.public, path)
            if found is not None:
                return static_response(found, method == "HEAD")
        if self.gateway.route(target) is None:
            return self.gateway.outside_stage()
        event = self.gateway.event(method, target, headers, body, client_ip)
        if len(json.dumps(event)) > LAMBDA_PAYLOAD_BYTES:
            self.log.write(f"the event is over Lambda's {LAMBDA_PAYLOAD_BYTES} bytes: not invoked\n")
            return self.gateway.too_large()
        invocation = self.function.invoke(event)
        if invocation.ok and len(json.dumps(invocation.payload)) > LAMBDA_PAYLOAD_BYTES:
            error = f"Function.ResponseSizeTooLarge: the response is over Lambda's {LAMBDA_PAYLOAD_BYTES} bytes"
            invocation = Invocation(invocation.request_id, False, None, error)
        if not invocation.ok:
            self.log.write(f"the function failed ({invocation.request_id}): {invocation.error}\n")
            return self.gateway.function_failed()
        return self.gateway.response(invocation.payload)

    def close(self) -> None:
        self.function.close()
        if self.deployed is not None:
            self.deployed.close()


class VercelPlatform:
    name = "vercel"

    def __init__(
        self, root: Path, env: dict[str, str], log: Any = sys.stderr, deployed: DeployedFunction | None = None
    ) -> None:
        self.root, self.env, self.log, self.deployed = root, env, log, deployed
        self.routes = VercelRoutes.load(root)
        self._lock = threading.Lock()
        self._process: VercelProcess | None = None
        self._printed = 0

    def _instance(self) -> VercelProcess:
        """The function instance, started on the first request (a cold start) and after it died."""
        with self._lock:
            process = self._process
            if process is None or process.process is None or process.process.poll() is not None:
                if process is not None:
                    self.log.write(process.output())
                    process.close()
                self._process, self._printed = None, 0
                if self.deployed is not None:
                    process = VercelProcess(self.deployed.tree, env=self.env, command=self.deployed.command)
                else:
                    process = VercelProcess(self.root, env=self.env)
                process = process.start()
                self._process = process
            return process

    def _echo_logs(self) -> None:
        """The function's log lines, those of the import (a failed backend load) included, in order."""
        with self._lock:
            if self._process is None:
                return
            lines = self._process.logs()
            for line in lines[self._printed :]:
                self.log.write(line if line.endswith("\n") else line + "\n")
            self._printed = len(lines)
            self.log.flush()

    def handle(self, method: str, target: str, headers: Headers, body: bytes, client_ip: str) -> HttpResponse:
        path = target.split("?", 1)[0]
        extra = self.routes.headers_for(path)
        kind, found = self.routes.resolve(path)
        if kind == "static" and found is not None:
            if method not in ("GET", "HEAD"):
                return HttpResponse(405, [("Allow", "GET, HEAD"), *extra], b"Method Not Allowed\n")
            return static_response(found, method == "HEAD", [*extra, *self._own_headers()])
        if kind == "missing":
            return self._platform_error(404, "The page could not be found", "NOT_FOUND", extra)
        if len(body) > VERCEL_BODY_BYTES:
            return self._platform_error(413, "Request Entity Too Large", "FUNCTION_PAYLOAD_TOO_LARGE", extra)
        request_id = f"dev1::{uuid.uuid4().hex[:5]}-{int(time.time() * 1000)}-{uuid.uuid4().hex[:12]}"
        forwarded = {**self._forwarded(headers, client_ip), "x-vercel-id": request_id}
        try:
            response = self._instance().request(method, target, forwarded, body)
        except (UnrecoverableError, TimeoutError, OSError) as exc:
            self.log.write(f"the function failed: {exc}\n")
            return self._platform_error(500, "A server error has occurred", "FUNCTION_INVOCATION_FAILED", extra)
        self._echo_logs()
        if len(response.body) > VERCEL_BODY_BYTES:
            self.log.write(f"the response is over Vercel's {VERCEL_BODY_BYTES} bytes\n")
            code = "FUNCTION_RESPONSE_PAYLOAD_TOO_LARGE"
            return self._platform_error(500, "A server error has occurred", code, extra)
        # The platform strips its internal headers (the shim's timing) before the response leaves.
        sent = [(k, v) for k, v in response.headers if k.lower() not in HOP_BY_HOP and not _internal(k)]
        names = {k.lower() for k, _ in sent}
        sent += [(k, v) for k, v in extra if k.lower() not in names]
        return HttpResponse(response.status, [*sent, ("x-vercel-id", request_id)], response.body)

    def _forwarded(self, headers: Headers, client_ip: str) -> dict[str, str]:
        merged: dict[str, str] = {}
        for name, value in headers:
            key = name.lower()
            if key in HOP_BY_HOP:
                continue
            joiner = "; " if key == "cookie" else ", "
            merged[key] = merged[key] + joiner + value if key in merged else value
        host = merged.get("host", "localhost")
        # The local address, not a vercel.app one, so redirects the app builds stay on this server.
        merged.update(
            {
                "x-forwarded-host": host,
                "x-forwarded-proto": "http",
                "x-forwarded-for": client_ip,
                "x-real-ip": client_ip,
            }
        )
        return merged

    def _own_headers(self) -> Headers:
        return [("x-vercel-id", f"dev1::{uuid.uuid4().hex[:5]}-{int(time.time() * 1000)}-{uuid.uuid4().hex[:12]}")]

    def _platform_error(self, status: int, title: str, code: str, extra: Headers) -> HttpResponse:
        headers = [("Content-Type", "text/plain; charset=utf-8"), ("x-vercel-error", code), *extra]
        return HttpResponse(status, headers + self._own_headers(), f"{title}\n\n{code}\n".encode())

    def close(self) -> None:
        with self._lock:
            if self._process is not None:
                self._process.close()
                self._process = None
        if self.deployed is not None:
            self.deployed.close()


def _internal(name: str) -> bool:
    return name.lower().startswith("x-vercel-internal-")
