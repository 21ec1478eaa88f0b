"""Start a runtime in an interpreter that sees the function's tree and nothing else (run as a script).

    python -I -S -B isolated.py ric|vercel|direct RUNTIME_DIR FUNCTION_PATH [HANDLER]

`-I -S` leave out PYTHONPATH, the user's site and every site-packages (the project's .venv
included), so what the function imports comes from FUNCTION_PATH (the deployed tree, os.pathsep
separated) or the standard library, as on the platform. The runtime's own packages (awslambdaric,
vercel-runtime) are imported from RUNTIME_DIR, and that folder is then taken off `sys.path`
before the function is imported: its modules keep working, the function cannot import from it.
`direct` is the in-process mode's runtime: a minimal Runtime API client written here, no package.

Standard library only, and no import of the project: the project's folders are not on the path.
"""

from __future__ import annotations

import http.client
import importlib
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

SKIP = ("__pycache__", "bin")


def load_runtime(runtime_dir: str) -> None:
    """Import every top-level module of the runtime folder, then drop the folder from sys.path."""
    sys.path.append(runtime_dir)
    for entry in sorted(Path(runtime_dir).iterdir()):
        if entry.name in SKIP or entry.name.endswith((".dist-info", ".data", ".pth", ".txt")):
            continue
        name = entry.name.split(".")[0]
        if name.isidentifier():
            importlib.import_module(name)
    sys.path.remove(runtime_dir)


class Context:
    """Lambda's context object, for `direct`."""

    def __init__(self, request_id: str, deadline_ms: int, arn: str) -> None:
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local-function")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


class RuntimeApi:
    """One keep-alive connection to the Runtime API (a new one per call cost ~1 ms per invocation)."""

    PREFIX = "/2018-06-01/runtime"

    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self.connection = http.client.HTTPConnection(host, int(port))

    def call(self, method: str, path: str, body: Any = None, error_type: str | None = None) -> tuple[Any, bytes]:
        headers = {"Content-Type": "application/json"}
        if error_type:
            headers["Lambda-Runtime-Function-Error-Type"] = error_type
        data = None if body is None else json.dumps(body).encode()
        self.connection.request(method, self.PREFIX + path, data, headers)
        reply = self.connection.getresponse()
        return reply, reply.read()


def _error(exc: BaseException, error_type: str) -> dict[str, Any]:
    lines = traceback.format_exception(exc)
    return {"errorMessage": str(exc), "errorType": error_type, "stackTrace": lines}


def direct(handler: str) -> int:
    api = RuntimeApi(os.environ["AWS_LAMBDA_RUNTIME_API"])
    try:
        module, name = handler.rsplit(".", 1)
        function = getattr(importlib.import_module(module), name)
    except Exception as exc:
        traceback.print_exc()
        api.call("POST", "/init/error", _error(exc, "Runtime.ImportModuleError"), "Runtime.ImportModuleError")
        return 1
    while True:
        reply, body = api.call("GET", "/invocation/next")
        request_id = reply.headers["Lambda-Runtime-Aws-Request-Id"]
        deadline_ms = int(reply.headers["Lambda-Runtime-Deadline-Ms"])
        context = Context(request_id, deadline_ms, reply.headers.get("Lambda-Runtime-Invoked-Function-Arn", ""))
        try:
            result = function(json.loads(body), context)
        except Exception as exc:
            traceback.print_exc()
            api.call("POST", f"/invocation/{request_id}/error", _error(exc, type(exc).__name__), "Unhandled")
            continue
        api.call("POST", f"/invocation/{request_id}/response", result)


def main(argv: list[str]) -> int:
    mode, runtime_dir, function_path, *rest = argv
    sys.path[:0] = [entry for entry in function_path.split(os.pathsep) if entry]
    if mode == "direct":
        return direct(rest[0])
    load_runtime(runtime_dir)
    if mode == "ric":
        main_module: Any = importlib.import_module("awslambdaric.__main__")
        main_module.main(["awslambdaric", *rest])
        return 0
    if mode == "vercel":
        importlib.import_module("vercel_runtime.vc_init")  # the trampoline: importing it serves
        return 0
    print(f"unknown runtime {mode!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
