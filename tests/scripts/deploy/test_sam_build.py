"""`sam build` of template.yaml (no Docker), then the built function under the real Lambda runtime client."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scripts.predeploy.bytecode import coverage
from tests.scripts.deploy.conftest import health_and_status, installed_tool, path_with, python312, run
from tests.support.paths import ROOT
from tests.support.unavailable import needs_package_index

pytestmark = pytest.mark.slow


def sam_build(build_dir: Path, *overrides: str) -> Path:
    """Build as a user does; the function's folder. Without Docker, sam needs python3.12 on PATH."""
    sam = installed_tool("sam.sh") + "/sam"
    needs_package_index()
    args = [sam, "build", "-t", str(ROOT / "template.yaml"), "--build-dir", str(build_dir)]
    if overrides:
        args += ["--parameter-overrides", " ".join(overrides)]
    done = run(args, timeout_s=900, SAM_CLI_TELEMETRY="0", PATH=path_with(os.path.dirname(python312())))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Build Succeeded" in done.stdout + done.stderr
    return build_dir / "ApiFunction"


def test_the_default_build_holds_arm64_wheels_and_the_app(tmp_path: Path) -> None:
    function = sam_build(tmp_path / "build")
    assert (function / "index.py").is_file() and (function / "failsafe" / "loader.py").is_file()
    [native] = (function / "pydantic_core").glob("_pydantic_core.*.so")
    assert "aarch64" in native.name  # the template's default architecture, built on an x86_64 machine
    assert not (function / "tests").exists()
    # The import-name index the fallback's diagnosis reads: the committed file, beside index.py.
    assert (function / "import_names.json").read_bytes() == (ROOT / "api" / "import_names.json").read_bytes()
    # sam's own Python build would strip every .pyc: the makefile method keeps hash-based bytecode.
    compiled = coverage(function, "3.12")
    assert compiled.complete, compiled.describe()


def test_the_python_3_13_runtime_gets_its_own_bytecode(tmp_path: Path) -> None:
    function = sam_build(tmp_path / "build", "PythonRuntime=python3.13")
    compiled = coverage(function, "3.13")
    assert compiled.complete, compiled.describe()
    assert list((function / "pydantic_core").glob("_pydantic_core.cpython-313-*.so"))


def test_the_built_function_answers_health_under_awslambdaric(tmp_path: Path, bare_python: str) -> None:
    function = sam_build(tmp_path / "build", "Architecture=x86_64")  # this machine's, to run it here
    health, body, output = health_and_status(function, bare_python)
    assert health["statusCode"] == 200, output
    assert json.loads(health["body"]) == {"status": "healthy", "backend_loaded": True}
    assert body["backend_loaded"] is True and body["platform"] == "lambda"
    assert body["cold_start"]["bytecode"] is True, body
    assert "Runtime.ImportModuleError" not in output
