"""The real template served by uvicorn from a copy of the project, as `scripts/dev.sh` serves it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.paths import ROOT
from tests.support.stubs import free_port

MISSING_PACKAGE = "acme_billing_sdk"  # a package nobody installs: the broken backend imports it
# What a production header for the status page can be: nothing inline, nothing from elsewhere.
STRICT_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' http://127.0.0.1:*; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


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
    env["ENVIRONMENT"] = "development"  # explicit, as in scripts/dev.sh: unset means production
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


@dataclass(frozen=True)
class Server:
    url: str
    log: Path  # what the server printed (stdout and stderr)
    pid: int


@contextmanager
def run_server(argv: list[str], cwd: Path, env: dict[str, str], port: int) -> Iterator[Server]:
    """Start a server process, wait until it listens, yield its URL and log, stop it."""
    log = cwd / f"server-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, log)
        yield Server(f"http://127.0.0.1:{port}", log, proc.pid)
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
    with run_server(argv, root, server_env(**env), port) as server:
        yield server.url


def write_vercel_json(root: Path, *, rewrites: bool = True, csp: str | None = STRICT_CSP) -> dict[str, Any]:
    """The copy's vercel.json: the project's own (or a minimal one), with `csp` instead of its CSP.

    The tests that read another origin need `connect-src` to allow 127.0.0.1:*; with `csp=None` the
    project's own headers stay as they are.
    """
    source = ROOT / "vercel.json"
    config: dict[str, Any] = json.loads(source.read_text()) if source.is_file() else {}
    if rewrites:
        config.setdefault("rewrites", [{"source": "/api/(.*)", "destination": "/api/index"}])
    else:
        config.pop("rewrites", None)
    if csp is not None:
        for rule in config.get("headers", []):
            rule["headers"] = [h for h in rule["headers"] if h["key"].lower() != "content-security-policy"]
        config.setdefault("headers", []).append(
            {"source": "/(.*)", "headers": [{"key": "Content-Security-Policy", "value": csp}]}
        )
    (root / "vercel.json").write_text(json.dumps(config, indent=2))
    return config


# What a deployment must set (production is the default on both platforms): a signing key and a
# database. The SQLite file is never opened by these tests: health reads the last known state.
DEPLOYED_ENV = {"SECRET_KEY": "operate-tests-secret-key-0123456789abcdef"}


@contextmanager
def emulator(root: Path, *args: str, **env: str) -> Iterator[Server]:
    """`scripts/emulate.py serve ARGS` for a project copy; `env` reaches the function through --env."""
    env = {**DEPLOYED_ENV, "DATABASE_URL": f"sqlite:///{root}/data/app.sqlite3", **env}
    port = free_port()
    argv = [sys.executable, str(ROOT / "scripts" / "emulate.py"), "serve", *args, "--port", str(port),
            "--project-root", str(root), *(f"--env={name}={value}" for name, value in env.items())]  # fmt: skip
    with run_server(argv, root, server_env(), port) as server:
        yield server
