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

import importlib
import json
import os
import sys
import time
import traceback
import urllib.request
from pathlib import Path
from typing import Any

SKIP = ("__pycache__", "bin", ".built")


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


def _post(url: str, body: Any, error_type: str | None = None) -> None:
    headers = {"Content-Type": "application/json"}
    if error_type:
        headers["Lambda-Runtime-Function-Error-Type"] = error_type
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")  # noqa: S310
    urllib.request.urlopen(request).read()  # noqa: S310 - the loopback Runtime API


def _error(exc: BaseException, error_type: str) -> dict[str, Any]:
    lines = traceback.format_exception(exc)
    return {"errorMessage": str(exc), "errorType": error_type, "stackTrace": lines}


def direct(handler: str) -> int:
    base = f"http://{os.environ['AWS_LAMBDA_RUNTIME_API']}/2018-06-01/runtime"
    try:
        module, name = handler.rsplit(".", 1)
        function = getattr(importlib.import_module(module), name)
    except Exception as exc:
        traceback.print_exc()
        _post(f"{base}/init/error", _error(exc, "Runtime.ImportModuleError"), "Runtime.ImportModuleError")
        return 1
    while True:
        with urllib.request.urlopen(f"{base}/invocation/next") as reply:  # noqa: S310
            event = json.loads(reply.read())
            request_id = reply.headers["Lambda-Runtime-Aws-Request-Id"]
            context = Context(
                request_id,
                int(reply.headers["Lambda-Runtime-Deadline-Ms"]),
                reply.headers.get("Lambda-Runtime-Invoked-Function-Arn", ""),
            )
        try:
            result = function(event, context)
        except Exception as exc:
            traceback.print_exc()
            _post(f"{base}/invocation/{request_id}/error", _error(exc, type(exc).__name__), "Unhandled")
            continue
        _post(f"{base}/invocation/{request_id}/response", result)


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
