"""Start a server process for a test, wait until it is ready, stop it: the one way tests launch servers.

`serve` takes any command (uvicorn, `scripts/dev.sh`, `scripts/emulate.py serve`, a command from
the docs); `instance` is the app under uvicorn in this checkout, as a second process of a platform.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.paths import ROOT
from tests.support.sockets import free_port

# The self-hosted command's uvicorn options after `--host` and `--port`, as docs/getting-started.md
# and scripts/dev.sh write them (tests/scripts/test_header_timeout.py checks that they do).
SELF_HOSTED_OPTIONS = (
    "--no-proxy-headers",
    "--http",
    "scripts.header_timeout:H11WithHeaderTimeout",
    "--timeout-keep-alive",
    "5",
    "--h11-max-incomplete-event-size",
    "16384",
)


@dataclass(frozen=True)
class Server:
    url: str
    log: Path  # what the server printed (stdout and stderr)
    pid: int


def _status(url: str) -> int | None:
    """The HTTP status `url` answers with, or None while nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@contextmanager
def serve(
    argv: Sequence[str],
    port: int,
    *,
    env: Mapping[str, str],
    cwd: Path = ROOT,
    wait_for: str | None = "/api/health",
    ready_status: int | None = None,
    log: Path | None = None,
    startup_s: float = 90.0,
    stop_group: bool = False,
    pass_fds: Sequence[int] = (),
) -> Iterator[Server]:
    """Run `argv`, a server for http://127.0.0.1:`port`, until the block ends.

    Ready when `wait_for` answers with `ready_status` (None: any status), or with `wait_for=None`
    as soon as the port accepts connections. The output goes to `log` (a temporary file when not
    given, deleted afterwards). The process gets SIGTERM, then SIGKILL after 10 s; `stop_group`
    signals its whole process group, for a shell that does not pass the signal on. `pass_fds`
    are inherited (a listening socket for uvicorn's `--fd`).
    """
    url = f"http://127.0.0.1:{port}"
    own_log = log is None
    if log is None:
        handle, name = tempfile.mkstemp(prefix=f"server-{port}-", suffix=".log")
        os.close(handle)
        log = Path(name)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=stop_group,
            pass_fds=tuple(pass_fds),
        )
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if wait_for is None:
                ready = _listening(port)
            else:
                status = _status(url + wait_for)
                ready = status is not None and ready_status in (None, status)
            if ready:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                state = f"exited with {proc.returncode}" if proc.poll() is not None else f"not ready in {startup_s}s"
                raise RuntimeError(f"{argv[0]} on {url} {state}:\n{log.read_text(errors='replace')[-4000:]}")
            time.sleep(0.1)  # polling for start-up, not an assertion
        yield Server(url, log, proc.pid)
    finally:
        _stop(proc, stop_group)
        if own_log:
            log.unlink(missing_ok=True)


def _stop(proc: subprocess.Popen[bytes], group: bool) -> None:
    def signal_it(number: signal.Signals) -> None:
        if proc.poll() is None:
            if group:
                os.killpg(proc.pid, number)
            else:
                proc.send_signal(number)

    signal_it(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        signal_it(signal.SIGKILL)
        proc.wait(timeout=10)


@contextmanager
def instance(env: Mapping[str, str], startup_s: float = 60.0) -> Iterator[str]:
    """`api.index:app` of this checkout under uvicorn, with `env` over this process's environment; its URL
    once health answers 200 (a second instance is a second process)."""
    port = free_port()
    app = ["api.index:app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    argv = [sys.executable, "-m", "uvicorn", *app]
    with serve(argv, port, env={**os.environ, **env}, ready_status=200, startup_s=startup_s) as server:
        yield server.url


def redis_problem(host: str = "127.0.0.1", port: int = 6379) -> str | None:
    try:
        with socket.create_connection((host, port), timeout=2) as s:
            s.sendall(b"PING\r\n")
            if not s.recv(16).startswith(b"+PONG"):
                return "Redis at 127.0.0.1:6379 did not answer PING"
    except OSError as exc:
        return f"Redis at 127.0.0.1:6379 is not reachable ({type(exc).__name__})"
    return None
