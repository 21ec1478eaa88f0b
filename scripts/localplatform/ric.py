"""The real Lambda runtime client (`awslambdaric`) in a child process, as Lambda starts it.

`python -m awslambdaric <handler>` runs with the task root as working directory and on
`PYTHONPATH` (for this template: `api/`, handler `index.handler`, as the SAM template's
`CodeUri: api/` deploys it), the environment Lambda sets, and `AWS_LAMBDA_RUNTIME_API` pointing
at the loopback stand-in. Import failures reach the caller as Lambda reports them
(`Runtime.ImportModuleError` through `init/error`), so a test can prove they never happen.

Any task root works (a `sam build` output too): `python` only needs `awslambdaric` installed; the
task root comes first on `sys.path`, so packages vendored into it win over the interpreter's own.
`command` replaces `python -m awslambdaric`: the emulator starts an isolated interpreter that sees
the task root and nothing else (scripts/localplatform/isolated.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scripts.localplatform import child
from scripts.localplatform.rapi import Outcome, RuntimeAPI


class InitError(RuntimeError):
    """The runtime reported an init error (or died before serving)."""

    def __init__(self, error_type: str | None, body: Any, output: str) -> None:
        self.error_type = error_type
        self.body = body
        self.output = output
        super().__init__(f"init failed: {error_type}: {body}")


class InvocationError(RuntimeError):
    """The handler raised: the runtime posted `invocation/{id}/error`."""

    def __init__(self, outcome: Outcome) -> None:
        self.error_type = outcome.error_type
        self.body = outcome.json()
        super().__init__(f"invocation failed: {outcome.error_type}: {self.body}")


def lambda_environment(
    task_root: Path,
    handler: str,
    api_address: str,
    *,
    function_name: str = "local-function",
    memory_mb: int = 512,
    python_tag: str | None = None,
) -> dict[str, str]:
    """The variables Lambda sets for a zip-packaged Python function."""
    tag = python_tag or f"python{sys.version_info.major}.{sys.version_info.minor}"
    return {
        "AWS_LAMBDA_RUNTIME_API": api_address,
        "AWS_LAMBDA_FUNCTION_NAME": function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]0123456789abcdef",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{tag}",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "LAMBDA_TASK_ROOT": str(task_root),
        "LAMBDA_RUNTIME_DIR": str(task_root),
        "_HANDLER": handler,
        "TZ": ":UTC",
        "PYTHONPATH": str(task_root),
    }


class RicProcess:
    """One Lambda execution environment: start it, invoke it any number of times, close it."""

    def __init__(
        self,
        task_root: str | os.PathLike[str],
        handler: str = "index.handler",
        *,
        env: Mapping[str, str] | None = None,
        python: str = sys.executable,
        function_name: str = "local-function",
        memory_mb: int = 512,
        command: Sequence[str] | None = None,
    ) -> None:
        self.task_root = Path(task_root).resolve()
        # What starts the runtime (the handler is appended): by default this Python's awslambdaric.
        self.command = list(command) if command is not None else [python, "-m", "awslambdaric"]
        self.handler = handler
        self.extra_env = dict(env or {})
        self.python = python
        self.function_name = function_name
        self.memory_mb = memory_mb
        self.api = RuntimeAPI(function_arn=f"arn:aws:lambda:us-east-1:000000000000:function:{function_name}")
        self._log = tempfile.NamedTemporaryFile(prefix="ric-", suffix=".log", delete=False)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RicProcess:
        self.api.start()
        env = child.inherited()
        env.update(
            lambda_environment(
                self.task_root,
                self.handler,
                self.api.address,
                function_name=self.function_name,
                memory_mb=self.memory_mb,
            )
        )
        env.update(self.extra_env)
        self.process = subprocess.Popen(
            [*self.command, self.handler],
            cwd=self.task_root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def __enter__(self) -> RicProcess:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.close()

    def output(self) -> str:
        """Everything the runtime and the function wrote to stdout/stderr so far."""
        return Path(self._log.name).read_text(encoding="utf-8", errors="replace")

    def _alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_initialized(self, timeout_s: float = 60.0) -> None:
        """Return once init finished (the first `next`); raise `InitError` if it failed."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:  # short waits: a runtime that crashes posts nothing
            if self.api.wait(lambda: self.api.next_calls > 0 or self.api.init_error is not None, 0.2):
                break
            self._raise_if_dead()
        self._raise_if_dead()
        if self.api.next_calls == 0:
            raise TimeoutError(f"the runtime did not finish init in {timeout_s}s:\n{self.output()}")

    def _raise_if_dead(self) -> None:
        error = self.api.init_error
        if error is not None:
            raise InitError(error.error_type, error.json(), self.output())
        if not self._alive():
            raise InitError(None, f"the runtime exited with {self.process and self.process.returncode}", self.output())

    def invoke_raw(self, event: Any, timeout_s: float = 60.0) -> Outcome:
        """Send one event; returns the runtime's outcome (response or invocation error)."""
        self._raise_if_dead()
        request_id = self.api.submit(event, timeout_s=timeout_s)
        outcome = None
        waited = 0.0
        while outcome is None and waited < timeout_s:  # poll so a dead runtime is noticed quickly
            outcome = self.api.outcome(request_id, 0.5)
            waited += 0.5
            if outcome is None:
                self._raise_if_dead()
        if outcome is None:
            raise TimeoutError(f"no answer to invocation {request_id} in {timeout_s}s:\n{self.output()}")
        return outcome

    def invoke(self, event: Any, timeout_s: float = 60.0) -> Any:
        """Send one event; returns the handler's (JSON-decoded) return value."""
        outcome = self.invoke_raw(event, timeout_s)
        if outcome.kind != "response":
            raise InvocationError(outcome)
        return outcome.json()

    def close(self) -> None:
        child.stop(self.process)
        self.api.close()
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)
