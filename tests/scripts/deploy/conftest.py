"""Fixtures for the deploy artefacts: tools scripts/setup-tools.sh installed into .tools/, small
projects built from a copy of api/, a Python with none of the project's packages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scripts.localplatform import events
from scripts.localplatform.ric import RicProcess
from scripts.predeploy.interpreters import find_python
from tests.support.paths import ROOT
from tests.support.template import copy_project
from tests.support.unavailable import unavailable


def installed_tool(script: str, *args: str) -> str:
    """Where scripts/tools/<script> installed its tool (the last line it prints); never installs it.

    TOOLS_CHECK_ONLY=1 makes the installer exit 3 instead, naming scripts/setup-tools.sh.
    """
    done = run(["bash", str(ROOT / "scripts" / "tools" / script), *args], timeout_s=60, TOOLS_CHECK_ONLY="1")
    if done.returncode != 0:
        unavailable(done.stderr.strip()[-3000:] or f"scripts/tools/{script} exited {done.returncode}")
    return done.stdout.strip().splitlines()[-1]


def python312() -> str:
    """The Python 3.12 `sam build` and `vercel build` need (the template's runtime, Vercel's default)."""
    found = find_python("3.12")
    if found is None:
        unavailable("no Python 3.12 found (PATH or pyenv); sam build and vercel build need one")
    return found


def path_with(*dirs: str) -> str:
    return os.pathsep.join([*dirs, os.environ.get("PATH", "")])


# Production settings need SECRET_KEY; a PostgreSQL URL that health never contacts keeps the
# checks about packaging (without DATABASE_URL health would say degraded).
PRODUCTION = {
    "ENVIRONMENT": "production",
    "SECRET_KEY": "k" * 32,
    "DATABASE_URL": "postgresql://127.0.0.1:9/never-contacted",
    "LOG_LEVEL": "WARNING",
}


def health_and_status(task_root: Path, bare_python: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """/api/health's answer, /api/status's body and the runtime's output, from `task_root` run as Lambda's
    image runs it: the runtime client on PYTHONPATH, the task root, no other package anywhere (whatever
    the build forgot fails here); PYTHONDONTWRITEBYTECODE because /var/task is read-only."""
    ric = installed_tool("ric.sh", python312())
    env = {
        "PYTHONPATH": f"{task_root}{os.pathsep}{ric}",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        **PRODUCTION,
    }
    with RicProcess(task_root, "index.handler", env=env, python=bare_python) as runtime:
        runtime.wait_initialized(120)
        health = runtime.invoke(events.build_event("http", "GET", "/api/health"))
        status = runtime.invoke(events.build_event("http", "GET", "/api/status"))
        return health, json.loads(status["body"]), runtime.output()


@pytest.fixture(scope="session")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A Python 3.12 venv without pip or any package: what a platform's runtime starts from."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([python312(), "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    probe = subprocess.run([python, "-I", "-c", "import fastapi"], capture_output=True, timeout=60, check=False)
    assert probe.returncode != 0, "the bare venv can import fastapi: it would hide a missing package"
    return python


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this project's api/ in a temporary folder, to break on purpose."""
    return copy_project(tmp_path, public=False)


CheckRun = Callable[..., tuple[int, dict[str, Any], str]]


@pytest.fixture
def check_deps() -> CheckRun:
    """Run scripts/check_deps.py as a user does: (exit code, its --json document, its text output).

    The text run (a second run) only happens with `text=True`: the slow checks take a while.
    """

    def run(root: Path, *args: str, text: bool = False) -> tuple[int, dict[str, Any], str]:
        command = [sys.executable, str(ROOT / "scripts" / "check_deps.py"), "--root", str(root), *args]
        as_json = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=1200, check=False)
        assert as_json.stdout.strip(), as_json.stderr
        output = ""
        if text:
            as_text = subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False)
            assert as_text.returncode == as_json.returncode, as_text.stdout + as_text.stderr
            output = as_text.stdout
        return as_json.returncode, json.loads(as_json.stdout), output

    return run


def messages(document: dict[str, Any], check: str, level: str = "error") -> list[str]:
    for result in document["checks"]:
        if result["name"] == check:
            return [f["message"] for f in result["findings"] if f["level"] == level]
    raise AssertionError(f"check {check} did not run")


def run(args: list[str], cwd: Path = ROOT, timeout_s: float = 600, **env: str) -> subprocess.CompletedProcess[str]:
    """A command with this process's environment plus `env`; output captured as text."""
    return subprocess.run(
        args, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout_s, check=False
    )
