"""`vercel build --standalone`, offline, in a copy of the project; then the built function on a bare Python."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from scripts.localplatform.vercel import VercelProcess
from scripts.predeploy.bytecode import coverage
from tests.scripts.deploy.conftest import installed_tool, path_with, python312, run
from tests.support.paths import ROOT
from tests.support.unavailable import needs_package_index

pytestmark = pytest.mark.slow
# Never copied: what a deploy would not upload (.vercelignore) plus local state. The build writes
# pyproject.toml, uv.lock and .python-version into the project: it runs in a copy for that reason.
NOT_COPIED = (".git", ".venv*", ".tools", ".vercel", ".aws-sam", "node_modules", "__pycache__", "*_cache", "data")


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `.vercel/output` of a standalone build (the CLI from .tools/vercel, uv and python3.12 on PATH)."""
    tools = installed_tool("vercel.sh")
    needs_package_index()
    project = tmp_path_factory.mktemp("vercel") / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(*NOT_COPIED))
    (project / ".vercel").mkdir()
    settings = {"projectId": "prj_local", "orgId": "team_local", "settings": {"framework": None}}
    (project / ".vercel" / "project.json").write_text(json.dumps(settings), encoding="utf-8")
    path = path_with(*tools.split(os.pathsep), os.path.dirname(python312()))
    # @vercel/python compiles bytecode only when VERCEL_PYTHON_COMPILEALL is in the build's process
    # environment. vercel.json's `build.env` carries it to a `vercel deploy` build (the CLI sends it
    # with the deployment), but the offline `vercel build` reads only the shell and the pulled
    # `.vercel/.env.<target>.local`, not vercel.json: so this build sets exactly that variable, as
    # a project's environment variable does on Vercel (docs/deploy-vercel.md).
    env = {"PATH": path, "VERCEL_TELEMETRY_DISABLED": "1", "VERCEL_PYTHON_COMPILEALL": "1"}
    done = run(["vercel", "build", "--standalone", "--yes"], project, 900, **env)
    assert done.returncode == 0, done.stdout + done.stderr
    return project / ".vercel" / "output"


def test_the_build_makes_exactly_one_function_and_serves_only_public(output: Path) -> None:
    functions = sorted(str(p.relative_to(output / "functions")) for p in (output / "functions").rglob("*.func"))
    assert functions == ["api/index.func"]
    static = sorted(str(p.relative_to(output / "static")) for p in (output / "static").rglob("*") if p.is_file())
    assert static == ["index.html", "status.css", "status.js"]  # the status page
    function = output / "functions" / "api" / "index.func"
    for absent in ("tests", "scripts", "bench", "requirements-dev.txt", "template.yaml"):
        assert not (function / absent).exists(), absent
    assert (function / "_vendor" / "vercel_runtime" / "vc_init.py").is_file()
    # The import-name index the fallback's diagnosis reads: bundled from api/ as committed, nothing excludes it.
    assert (function / "api" / "import_names.json").read_bytes() == (ROOT / "api" / "import_names.json").read_bytes()
    config = json.loads((function / ".vc-config.json").read_text(encoding="utf-8"))
    assert config["runtime"] == "python3.12" and config["maxDuration"] == 30
    # Bytecode for the runtime's Python, hash-based, beside the vendored packages and the app.
    for folder in ("_vendor", "api"):
        compiled = coverage(function / folder, "3.12")
        assert compiled.compiled > 0 and compiled.hash_based == compiled.compiled, (folder, compiled.describe())
    assert coverage(function / "api", "3.12").complete, coverage(function / "api", "3.12").describe()


def test_the_function_answers_health_on_a_python_without_the_project_packages(output: Path, bare_python: str) -> None:
    function = output / "functions" / "api" / "index.func"
    config = json.loads((function / ".vc-config.json").read_text(encoding="utf-8"))
    # The platform's environment for this function (PYTHONPATH=_vendor): its own vendored runtime
    # and packages, nothing from this machine's venvs.
    # Production settings need SECRET_KEY, and without DATABASE_URL health is `degraded`.
    secrets = {"SECRET_KEY": "k" * 32, "DATABASE_URL": "postgresql://127.0.0.1:9/never-contacted"}
    with VercelProcess(function, python=bare_python, env={**config["environment"], **secrets}) as instance:
        health = instance.request("GET", "/api/health")
        status = instance.request("GET", "/api/status")
        output_text = instance.output()
    assert health.status == 200, output_text
    assert health.json() == {"status": "healthy", "backend_loaded": True}
    assert status.json()["backend_loaded"] is True and status.json()["platform"] == "vercel"
    assert status.json()["cold_start"]["bytecode"] is True, status.json()
