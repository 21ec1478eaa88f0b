"""The `install` check: a fresh venv with only `api/requirements.txt`, then `/api/status` through `handler`.

Static analysis cannot see a package the backend needs only at run time: an extra such as
`pydantic[email]` or `sqlalchemy[asyncio]`, a dependency imported by a dependency. Loading the
backend where nothing else is installed does; the fallback's diagnosis then names what is missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from scripts.predeploy.cache import cache_key, cache_root, cached
from scripts.predeploy.interpreters import find_python, version_of
from scripts.predeploy.report import CheckResult

MARK = "PREDEPLOY-RESULT "
# Runs inside the fresh venv with -I (no PYTHONPATH, no user site, no script folder on sys.path).
PROBE = (
    f"MARK = {MARK!r}\n"
    + """
import json, sys
sys.path.insert(0, sys.argv[1])
import index
event = {"version": "2.0", "routeKey": "$default", "rawPath": "/api/status", "rawQueryString": "",
         "headers": {"host": "predeploy.local"}, "isBase64Encoded": False,
         "requestContext": {"http": {"method": "GET", "path": "/api/status", "sourceIp": "127.0.0.1"},
                            "stage": "$default"}}
response = index.handler(event, None)
print(MARK + json.dumps({"statusCode": response.get("statusCode"), "body": response.get("body")}))
"""
)
# The probe sees none of the caller's settings: the backend must load on its development defaults
# (ENVIRONMENT=development, said explicitly: unset means production, which needs SECRET_KEY).
PASS_ENV = ("PATH", "HOME", "LANG", "SSL_CERT_FILE", "SSL_CERT_DIR", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")


def _run(args: list[str], timeout_s: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout_s, env=env, check=False)


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def check_install(root: Path, python_version: str = "3.12", python: str | None = None) -> CheckResult:
    result = CheckResult("install")
    python = python or find_python(python_version)
    if python is None:
        result.error(f"no Python {python_version} found (PATH, pyenv): install it, or pass --python")
        result.summary = "no target Python"
        return result
    version = version_of(python) or "?"
    requirements = root / "api" / "requirements.txt"
    with tempfile.TemporaryDirectory(prefix="predeploy-venv-") as tmp:
        started = time.perf_counter()
        try:
            venv = _venv_with_pins(python, requirements, Path(tmp) / "venv")
        except _InstallError as exc:
            result.error(str(exc))
            result.summary = exc.summary
            return result
        vpy = str(venv / "bin" / "python")
        install_s = time.perf_counter() - started
        env = {key: os.environ[key] for key in PASS_ENV if key in os.environ}
        env |= {"PYTHONDONTWRITEBYTECODE": "1", "ENVIRONMENT": "development"}
        probe = _run([vpy, "-I", "-c", PROBE, str(root / "api")], 120, env)
        result.data = {"python": version, "install_s": round(install_s, 1)}
        _judge(result, probe)
    result.summary = f"fresh venv (Python {version}) with only api/requirements.txt: /api/status says " + (
        "backend_loaded: true" if result.ok else "the backend did not load"
    )
    return result


class _InstallError(Exception):
    def __init__(self, message: str, summary: str) -> None:
        super().__init__(message)
        self.summary = summary


def _venv_with_pins(python: str, requirements: Path, fresh: Path) -> Path:
    """A venv of `python` with only the pins: made at `fresh`, or reused read-only from PREDEPLOY_CACHE_DIR."""
    root = cache_root()
    if root is None:
        _make_venv(python, requirements, fresh)
        return fresh
    key = cache_key("venv", os.path.realpath(python), requirements.read_bytes())
    venv, _ = cached(root, key, lambda into: _make_venv(python, requirements, into))
    return venv


def _make_venv(python: str, requirements: Path, venv: Path) -> None:
    made = _run([python, "-m", "venv", "--clear", str(venv)], 300)
    if made.returncode != 0:
        raise _InstallError(f"could not create a venv with {python}:\n{_tail(made.stderr)}", "no venv")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    installed = _run([*pip, "-r", str(requirements)], 900)
    if installed.returncode != 0:
        message = f"pip install -r api/requirements.txt failed in a fresh venv:\n{_tail(installed.stderr)}"
        raise _InstallError(message, "requirements do not install")


def _judge(result: CheckResult, probe: subprocess.CompletedProcess[str]) -> None:
    lines = [line for line in probe.stdout.splitlines() if line.startswith(MARK)]
    if probe.returncode != 0 or not lines:
        result.error(
            f"importing api/index.py or calling handler crashed (exit {probe.returncode}):\n{_tail(probe.stderr)}"
        )
        return
    answer = json.loads(lines[-1][len(MARK) :])
    try:
        body = json.loads(answer["body"] or "{}")
    except ValueError:
        body = {}
    result.data["status_code"] = answer["statusCode"]
    if body.get("backend_loaded") is True and answer["statusCode"] == 200:
        return
    diagnosis = body.get("diagnosis") or {}
    missing = diagnosis.get("missing_requirements") or []
    result.error(
        f"/api/status answered {answer['statusCode']} with backend_loaded: {body.get('backend_loaded')}: "
        f"{diagnosis.get('type', '?')}: {diagnosis.get('message', 'no diagnosis')}"
        + (f"\nmissing: {', '.join(missing)}" if missing else "")
        + (f"\nhint: {diagnosis['hint']}" if diagnosis.get("hint") else "")
    )
    result.data["diagnosis"] = diagnosis
