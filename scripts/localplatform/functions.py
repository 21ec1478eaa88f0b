"""The Lambda function behind `emulate.py serve`: in this process, or the real runtime client in a child.

Both run one invocation at a time, as one Lambda execution environment does. `RicFunction` starts
the runtime on the first request (a cold start, as on Lambda), prints the START/END/REPORT lines
Lambda writes to CloudWatch (duration, billed duration, memory, max memory used, and the init
duration on a cold start) with the function's own output in between, and starts a fresh
environment after the runtime died.
"""

from __future__ import annotations

import importlib
import math
import os
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from scripts.localplatform import ric
from scripts.localplatform.context import LocalContext
from scripts.localplatform.rapi import Outcome


def in_process_variables(task_root: Path, handler: str, memory_mb: int = 512) -> dict[str, str]:
    """Lambda's variables for a handler imported into this process: no Runtime API to reach, and
    the task root goes on sys.path instead of PYTHONPATH."""
    variables = ric.lambda_environment(task_root, handler, "", memory_mb=memory_mb)
    for name in ("AWS_LAMBDA_RUNTIME_API", "PYTHONPATH"):
        variables.pop(name)
    return variables


def import_handler(task_root: Path, handler: str) -> Any:
    """`module.function` imported from the task root, as the runtime client imports it."""
    sys.path.insert(0, str(task_root))
    module, function = handler.rsplit(".", 1)
    return getattr(importlib.import_module(module), function)


@dataclass(frozen=True)
class Invocation:
    request_id: str
    ok: bool  # False: the handler raised, the runtime died, or init failed (the gateway answers 5xx)
    payload: Any
    error: str | None = None


class InProcessFunction:
    """Imports `index.handler` from the task root into this process, once, with Lambda's variables set."""

    def __init__(self, task_root: Path, handler: str, env: dict[str, str], memory_mb: int = 512) -> None:
        self.task_root, self.handler_name, self.env, self.memory_mb = task_root, handler, env, memory_mb
        # One worker thread: Mangum's event loop and Lambda's one-request-at-a-time both want it.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lambda")
        self._handler: Any = None

    def _load(self) -> Any:
        if self._handler is None:
            os.environ.update({**in_process_variables(self.task_root, self.handler_name, self.memory_mb), **self.env})
            self._handler = import_handler(self.task_root, self.handler_name)
        return self._handler

    def _run(self, event: Any) -> Invocation:
        context = LocalContext(os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local-function"), self.memory_mb, 30.0)
        try:
            return Invocation(context.aws_request_id, True, self._load()(event, context))
        except Exception as exc:  # the gateway turns a raise into a 5xx, as API Gateway does
            return Invocation(context.aws_request_id, False, None, f"{type(exc).__name__}: {exc}")

    def invoke(self, event: Any) -> Invocation:
        return self._worker.submit(self._run, event).result()

    def close(self) -> None:
        self._worker.shutdown(wait=False)


def max_memory_mb(pid: int) -> int | None:
    """Peak resident memory of a process (VmHWM), in MB as Lambda rounds it; None off Linux."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return math.ceil(int(line.split()[1]) / 1024)
    except OSError:
        return None
    return None


class RicFunction:
    """awslambdaric in a child process against the loopback Runtime API, with Lambda's log lines."""

    def __init__(
        self,
        task_root: Path,
        handler: str,
        env: dict[str, str],
        memory_mb: int = 512,
        timeout_s: float = 30.0,
        log: TextIO = sys.stderr,
        command: list[str] | None = None,
    ) -> None:
        self.task_root, self.handler, self.env, self.memory_mb, self.log = task_root, handler, env, memory_mb, log
        self.timeout_s = timeout_s
        self.command = command  # None: this Python's awslambdaric; else the isolated runtime
        self._lock = threading.Lock()
        self._runtime: ric.RicProcess | None = None
        self._init_ms: float | None = None  # reported once, on the first invocation after a cold start
        self._printed = 0  # how much of the runtime's output has been echoed

    def _environment(self) -> ric.RicProcess:
        runtime = self._runtime
        if runtime is not None and runtime.process is not None and runtime.process.poll() is None:
            return runtime
        self._discard()
        started = time.perf_counter()
        runtime = ric.RicProcess(
            self.task_root, self.handler, env=self.env, memory_mb=self.memory_mb, command=self.command
        )
        self._runtime, self._printed = runtime.start(), 0
        try:
            runtime.wait_initialized()
        finally:
            self._init_ms = (time.perf_counter() - started) * 1000
        self._echo(runtime)  # what the init phase printed comes before START, as in CloudWatch
        return runtime

    def _echo(self, runtime: ric.RicProcess) -> None:
        output = runtime.output()
        self.log.write(output[self._printed :])
        self._printed = len(output)

    def invoke(self, event: Any) -> Invocation:
        with self._lock:
            try:
                runtime = self._environment()
            except (ric.InitError, TimeoutError) as exc:
                self._echo_failed_init(exc)
                return Invocation(str(uuid.uuid4()), False, None, f"init failed: {exc}")
            started = time.perf_counter()
            request_id = runtime.api.submit(event, timeout_s=self.timeout_s)
            outcome, error = self._wait(runtime, request_id)
            self._report(runtime, request_id, (time.perf_counter() - started) * 1000)
            if outcome is None:
                self._discard()  # Lambda replaces an environment that timed out or died
                return Invocation(request_id, False, None, error)
            if outcome.kind != "response":
                return Invocation(request_id, False, None, f"{outcome.error_type}: {outcome.json()}")
            return Invocation(request_id, True, outcome.json())

    def _wait(self, runtime: ric.RicProcess, request_id: str) -> tuple[Outcome | None, str | None]:
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:  # short waits, so a runtime that died is noticed at once
            outcome = runtime.api.outcome(request_id, 0.2)
            if outcome is not None:
                return outcome, None
            if runtime.process is None or runtime.process.poll() is not None:
                code = runtime.process.returncode if runtime.process is not None else None
                return None, f"Runtime.ExitError: the runtime exited with {code} while serving"
        return None, f"Task timed out after {self.timeout_s:.2f} seconds"

    def _discard(self) -> None:
        if self._runtime is not None:
            self._echo(self._runtime)
            self._runtime.close()
            self._runtime = None

    def _echo_failed_init(self, exc: Exception) -> None:
        self._discard()
        self.log.write(f"INIT_REPORT Init Duration: {self._init_ms or 0:.2f} ms\tPhase: init\tStatus: error\t{exc}\n")
        self.log.flush()

    def _report(self, runtime: ric.RicProcess, request_id: str, duration_ms: float) -> None:
        self.log.write(f"START RequestId: {request_id} Version: $LATEST\n")
        self._echo(runtime)
        peak = max_memory_mb(runtime.process.pid) if runtime.process is not None else None
        fields = [
            f"REPORT RequestId: {request_id}",
            f"Duration: {duration_ms:.2f} ms",
            f"Billed Duration: {math.ceil(duration_ms)} ms",
            f"Memory Size: {self.memory_mb} MB",
            f"Max Memory Used: {peak if peak is not None else '?'} MB",
        ]
        if self._init_ms is not None:
            fields.append(f"Init Duration: {self._init_ms:.2f} ms")
            self._init_ms = None
        self.log.write(f"END RequestId: {request_id}\n" + "\t".join(fields) + "\t\n")
        self.log.flush()

    def close(self) -> None:
        with self._lock:
            self._discard()
