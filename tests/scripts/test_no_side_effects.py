"""The test command installs nothing: system packages and large tools come from scripts/setup-tools.sh only."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from tests.support.unavailable import package_index_problem

INSTALLS = re.compile(r"\b(sudo|apt-get|apt|dpkg|npm install|pip install)\b")


def _scripts_run_by(script: Path, seen: set[Path]) -> set[Path]:
    """script and every scripts/*.sh it runs, transitively."""
    seen.add(script)
    for name in re.findall(r"scripts/[\w/.-]+\.sh", script.read_text(encoding="utf-8")):
        called = ROOT / name
        if called.is_file() and called not in seen:
            _scripts_run_by(called, seen)
    return seen


def test_the_test_command_and_what_it_calls_run_no_installer() -> None:
    called = _scripts_run_by(ROOT / "scripts" / "test.sh", set())
    assert ROOT / "scripts" / "bootstrap.sh" in called
    for script in called:
        for line in script.read_text(encoding="utf-8").splitlines():
            command = line.strip()
            # Comments and messages may name an installer (find_python.sh says what to install).
            if command.startswith(("#", "echo ")):
                continue
            # bootstrap.sh installs the requirements into the project's own .venv, nothing else.
            command = command.replace('"$venv/bin/python" -m pip install', "")
            assert not INSTALLS.search(command), f"{script.relative_to(ROOT)} installs something: {line}"


def test_no_test_runs_an_installer() -> None:
    for path in (ROOT / "tests").rglob("*.py"):
        if path == Path(__file__):
            continue
        text = path.read_text(encoding="utf-8")
        # An argument list naming an installer ("sudo", "apt-get"), or the Debian step itself.
        assert not re.search(r"['\"](sudo|apt-get)['\"]|tools/debian\.sh", text), path
        # scripts/tools/* only ever runs with TOOLS_CHECK_ONLY (tests/scripts/deploy/conftest.py installed_tool).
        if '"scripts" / "tools"' in text:
            assert "TOOLS_CHECK_ONLY" in text, path


@pytest.mark.parametrize(
    ("script", "args", "named"),
    [
        ("sam.sh", (), "aws-sam-cli"),
        ("check_jsonschema.sh", (), "check-jsonschema"),
        ("vercel.sh", (), "vercel@"),
        ("ric.sh", (), "awslambdaric"),
    ],
)
def test_an_installer_in_check_only_mode_names_the_set_up_step_and_installs_nothing(
    tmp_path: Path, script: str, args: tuple[str, ...], named: str
) -> None:
    shutil.copytree(ROOT / "scripts" / "tools", tmp_path / "scripts" / "tools")
    shutil.copy(ROOT / "scripts" / "find_python.sh", tmp_path / "scripts")
    done = subprocess.run(
        ["bash", str(tmp_path / "scripts" / "tools" / script), *args],
        env={**os.environ, "TOOLS_CHECK_ONLY": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert "run bash scripts/setup-tools.sh" in done.stderr and named in done.stderr
    assert not (tmp_path / ".tools").exists()


def test_ci_runs_the_set_up_step_before_the_tests() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.index("bash scripts/setup-tools.sh") < ci.index("bash scripts/test.sh")


def test_offline_the_package_look_ups_name_the_index_they_could_not_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as closed:  # a port nothing listens on: what offline looks like to pip
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/simple/"
        monkeypatch.setenv("PIP_INDEX_URL", url)
        problem = package_index_problem.__wrapped__()
    assert problem is not None and url in problem and "connect to the network" in problem
