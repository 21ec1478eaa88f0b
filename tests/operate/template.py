"""The real template served by uvicorn from a copy of the project, as `scripts/dev.sh` serves it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import ROOT
from tests.operate.servers import free_port

MISSING_PACKAGE = "acme_billing_sdk"  # a package nobody installs: the broken backend imports it


def copy_project(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "api", dest / "api", ignore=ignore)
    if (ROOT / "public").is_dir():
        shutil.copytree(ROOT / "public", dest / "public", ignore=ignore)
    return dest


def break_backend(root: Path, module: str = MISSING_PACKAGE) -> None:
    """Make the backend import a package that is not installed, as a forgotten requirement does."""
    routes = root / "api" / "backend_app" / "routes"
    (routes / "billing.py").write_text(f"import {module}  # noqa: F401\n")
    init = root / "api" / "backend_app" / "__init__.py"
    init.write_text("import backend_app.routes.billing  # noqa: F401\n" + init.read_text())


def server_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VERCEL", "AWS_", "PYTEST"))}
    for name in ("DEBUG", "ENVIRONMENT", "DIAGNOSTICS_TOKEN", "BACKEND_LOAD", "CORS_ORIGINS", "API_BASE_PATH"):
        env.pop(name, None)
    env.update(extra)
    return env


def wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, deadline_s: float = 90.0) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)  # polling for readiness, not asserting on time
    raise AssertionError(f"server did not listen within {deadline_s}s:\n{log.read_text()[-4000:]}")


@contextmanager
def run_server(argv: list[str], cwd: Path, env: dict[str, str], port: int) -> Iterator[str]:
    """Start a server process, wait until it listens, yield its base URL, stop it."""
    log = cwd / f"server-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@contextmanager
def uvicorn_template(root: Path, **env: str) -> Iterator[str]:
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "api.index:app", "--host", "127.0.0.1", "--port", str(port)]
    with run_server(argv, root, server_env(**env), port) as url:
        yield url


@contextmanager
def same_origin_site(root: Path, **env: str) -> Iterator[str]:
    """public/ and the API on one origin (tests/operate/same_origin.py) from a project copy."""
    shutil.copy(Path(__file__).with_name("same_origin.py"), root / "same_origin.py")
    port = int(env.pop("PORT", "0")) or free_port()
    argv = [sys.executable, "-m", "uvicorn", "same_origin:app", "--host", "127.0.0.1", "--port", str(port)]
    with run_server(argv, root, server_env(**env), port) as url:
        yield url
