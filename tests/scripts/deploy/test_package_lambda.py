"""scripts/package_lambda.py: a Lambda zip from binary wheels for another architecture, with its
sizes and bytecode; the zip extracted read-only under the real Lambda runtime client."""

from __future__ import annotations

import re
import shutil
import stat
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scripts.predeploy.bytecode import coverage
from tests.scripts.deploy.conftest import health_and_status, run
from tests.support.paths import ROOT
from tests.support.unavailable import needs_package_index

pytestmark = pytest.mark.slow


def package(out: Path, *args: str) -> str:
    needs_package_index()
    done = run([sys.executable, "scripts/package_lambda.py", *args, "--out", str(out)], timeout_s=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_zip_holds_the_app_at_its_root_and_wheels_for_the_target(tmp_path: Path) -> None:
    out = tmp_path / "function.zip"
    stdout = package(out, "--arch", "arm64")
    names = zipfile.ZipFile(out).namelist()
    assert "index.py" in names and "failsafe/loader.py" in names and "fastapi/__init__.py" in names
    assert any(re.fullmatch(r"pydantic_core/_pydantic_core\.cpython-312-aarch64-linux-gnu\.so", n) for n in names)
    assert not any(n.startswith(("tests/", "requirements")) for n in names if n != "requirements.txt")
    # Bytecode for the target's Python beside every module, the app's and the packages'.
    for module in ("index", "failsafe/loader", "backend_app/main", "fastapi/routing", "pydantic/main"):
        folder, _, name = module.rpartition("/")
        assert f"{folder + '/' if folder else ''}__pycache__/{name}.cpython-312.pyc" in names, module
    assert "bytecode: cpython-312, hash-based, for all" in stdout
    sizes = re.search(r"([\d.]+) MB zipped, ([\d.]+) MB unzipped", stdout)
    assert sizes is not None and 0 < float(sizes.group(1)) < float(sizes.group(2))
    assert abs(float(sizes.group(1)) - out.stat().st_size / 2**20) < 0.1
    assert "architecture arm64" in stdout
    # The import-name index the fallback's diagnosis reads, beside index.py: the committed file as it is.
    assert zipfile.ZipFile(out).read("import_names.json") == (ROOT / "api" / "import_names.json").read_bytes()


def test_python_3_13_gets_bytecode_of_its_own(tmp_path: Path) -> None:
    out = tmp_path / "function.zip"
    stdout = package(out, "--python", "3.13", "--arch", "x86_64")
    tree = tmp_path / "tree"
    zipfile.ZipFile(out).extractall(tree)
    compiled = coverage(tree, "3.13")
    assert compiled.complete, compiled.describe()
    assert not list(tree.rglob("*.cpython-312.pyc"))
    assert "runtime python3.13" in stdout


def test_a_runtime_without_a_python_of_its_version_here_stops_before_building(tmp_path: Path) -> None:
    # Python 3.14 is a Lambda runtime; where no CPython 3.14 is on PATH or in pyenv (none is, in this
    # environment: PATH holds only this venv, pyenv an empty folder), no tree without bytecode is made.
    if sys.version_info[:2] == (3, 14):
        pytest.skip("this interpreter is a Python 3.14")
    empty = tmp_path / "pyenv"
    empty.mkdir()
    tree = tmp_path / "tree"
    path = str(Path(sys.executable).parent)
    script = ["scripts/package_lambda.py", "--python", "3.14", "--tree", str(tree)]
    done = run([sys.executable, *script], timeout_s=120, PATH=path, PYENV_ROOT=str(empty))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "no Python 3.14 found" in done.stderr and "bytecode" in done.stderr and "pyenv install 3.14" in done.stderr
    assert not tree.exists()
    assert "wrote" not in done.stdout


def write_bits(tree: Path, writable: bool) -> None:
    for path in [tree, *tree.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@contextmanager
def task_root(archive: Path, into: Path, *, strip_bytecode: bool = False) -> Iterator[Path]:
    """The zip as Lambda's /var/task: extracted with zipfile (no mtimes kept), then read-only."""
    zipfile.ZipFile(archive).extractall(into)
    if strip_bytecode:  # the tree `pip install --no-compile` and a copy of api/ leave
        for cache in sorted(into.rglob("__pycache__"), reverse=True):
            shutil.rmtree(cache)
    write_bits(into, writable=False)
    try:
        yield into
    finally:
        write_bits(into, writable=True)  # so that the temporary folder can go


def test_the_read_only_tree_loads_from_bytecode_and_says_so(tmp_path: Path, bare_python: str) -> None:
    out = tmp_path / "function.zip"
    package(out, "--arch", "x86_64")  # this machine's, to run it here
    with task_root(out, tmp_path / "task") as tree:
        health, status, output = health_and_status(tree, bare_python)
    assert health["statusCode"] == 200, output
    assert status["backend_loaded"] is True and status["cold_start"]["bytecode"] is True, status
    assert not [w for w in status["warnings"] if "bytecode" in w]

    with task_root(out, tmp_path / "task-without-bytecode", strip_bytecode=True) as tree:
        health, status, output = health_and_status(tree, bare_python)
    assert health["statusCode"] == 200, output
    assert status["cold_start"]["bytecode"] is False, status
    [warning] = [w for w in status["warnings"] if "bytecode" in w]
    assert "per cold start" in warning and "scripts/package_lambda.py" in warning
