"""`cold_start.bytecode`: whether the template's modules were loaded from valid bytecode.

Each case runs a fresh process on a copy of api/ with PYTHONDONTWRITEBYTECODE=1, as a read-only
deployed tree: what the copy carries is what the import found.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.template import copy_project

# The fallback's status (the backend needs nothing to fail here): the same document, the same check.
PROBE = """
import asyncio, json, os
from failsafe.diagnosis import diagnose
from failsafe.fallback import FallbackApp
from failsafe.options import read_options
import failsafe.loader, failsafe.lambda_entry
try:
    import not_a_real_module_for_tests
except ImportError as exc:
    app = FallbackApp(diagnose(exc, failsafe.loader.API_DIR), read_options({**os.environ, "ENVIRONMENT": "production"}))
print(json.dumps(app.status_body({"type": "http", "headers": []})))
"""


def status_of(api: Path, **env: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=api,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(api), **env},
    )
    assert done.returncode == 0, done.stderr
    document: dict[str, object] = json.loads(done.stdout)
    return document


def compile_api(api: Path, mode: str) -> None:
    args = [sys.executable, "-m", "compileall", "-q", "--invalidation-mode", mode, str(api)]
    subprocess.run(args, check=True, capture_output=True, timeout=120)


@pytest.fixture
def api(tmp_path: Path) -> Path:
    return copy_project(tmp_path, public=False) / "api"


def bytecode_warnings(status: dict[str, object]) -> list[str]:
    warnings = status["warnings"]
    assert isinstance(warnings, list)
    return [warning for warning in warnings if "bytecode" in warning]


@pytest.mark.parametrize("mode", ["unchecked-hash", "checked-hash", "timestamp"])
def test_compiled_modules_say_true_and_warn_of_nothing(api: Path, mode: str) -> None:
    compile_api(api, mode)
    status = status_of(api)
    assert status["cold_start"]["bytecode"] is True  # type: ignore[index]
    assert bytecode_warnings(status) == []


def test_modules_without_bytecode_say_false_with_the_cost_and_the_fix_for_the_platform(api: Path) -> None:
    status = status_of(api, AWS_LAMBDA_FUNCTION_NAME="fn")
    assert status["cold_start"]["bytecode"] is False  # type: ignore[index]
    [warning] = bytecode_warnings(status)
    assert "ms per cold start" in warning and "scripts/package_lambda.py" in warning
    [warning] = bytecode_warnings(status_of(api, VERCEL="1"))
    assert "VERCEL_PYTHON_COMPILEALL=1" in warning


def test_one_stale_module_is_enough_to_say_false(api: Path) -> None:
    compile_api(api, "timestamp")
    source = api / "failsafe" / "fallback.py"
    os.utime(source, (source.stat().st_atime, source.stat().st_mtime + 10))  # what an unzip without mtimes does
    assert status_of(api)["cold_start"]["bytecode"] is False  # type: ignore[index]


def test_checked_hash_bytecode_of_an_edited_source_says_false(api: Path) -> None:
    compile_api(api, "checked-hash")
    source = api / "failsafe" / "fallback.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited after the build\n", encoding="utf-8")
    assert status_of(api)["cold_start"]["bytecode"] is False  # type: ignore[index]


def test_a_bytecode_cache_prefix_is_where_the_check_looks(api: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "pycache"
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(prefix)}
    args = [sys.executable, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", str(api)]
    subprocess.run(args, check=True, capture_output=True, timeout=120, env=env)
    assert not list(api.rglob("*.pyc"))
    assert status_of(api)["cold_start"]["bytecode"] is False  # type: ignore[index]
    assert status_of(api, PYTHONPYCACHEPREFIX=str(prefix))["cold_start"]["bytecode"] is True  # type: ignore[index]
