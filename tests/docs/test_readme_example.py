"""The worked example of docs/adding-a-resource.md, applied to a copy of the project exactly as written.

Every code block of the page starts with a comment naming where it goes (a file, or the string it
is appended to); this test puts each one there, then runs the checks and the parts of the suite
the new resource touches: its own tests on both databases, the schema fuzzer, and the route and
import tests. A page that drifts from the code (a renamed helper, a changed fixture, a router
list laid out differently) fails here, and so does an example that would turn the suite red.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import postgres
from tests.support.paths import ROOT
from tests.support.unavailable import unavailable

pytestmark = pytest.mark.slow

PAGE = ROOT / "docs" / "adding-a-resource.md"
BLOCK = re.compile(r"```(?:python|sql|bash)\n(.*?)```", re.S)
COPIED = ("api", "migrations", "scripts", "tests", "pyproject.toml", "requirements-dev.txt")
ROUTES = "api/backend_app/routes/__init__.py"
# What the page writes: every layer of a resource (route -> service -> store), its migration and tests.
WRITTEN = (
    "migrations/versions/0003_notes.py",
    "api/backend_app/stores/notes.py",
    "api/backend_app/services/notes.py",
    "api/backend_app/schemas/notes.py",
    "api/backend_app/routes/notes.py",
    ROUTES,
    "tests/notes/__init__.py",
    "tests/notes/test_notes.py",
)
# The parts of the suite a new router touches, besides its own tests (those that exist).
TOUCHED = (
    "tests/backend/routes/test_fuzz_api.py",
    "tests/backend/routes/test_openapi.py",
    "tests/backend/test_complete_load.py",
    "tests/failsafe/test_routing.py",
    "tests/failsafe/test_import_failures.py",
)


def example_blocks() -> list[str]:
    return BLOCK.findall(PAGE.read_text(encoding="utf-8"))


def apply(root: Path, block: str) -> str | None:
    """Put one block where its first line says (that line names the place, the rest is the text).

    Returns the file written, or None for a block of commands."""
    first, _, body = block.partition("\n")
    if first.startswith("-- append to SQLITE_SCHEMA in "):
        schema = root / first.removeprefix("-- append to SQLITE_SCHEMA in ")
        text = schema.read_text(encoding="utf-8").rstrip()
        assert text.endswith('"""'), "SQLITE_SCHEMA is no longer the last string of schema.py"
        schema.write_text(text[:-3].rstrip("\n") + "\n" + body + '"""\n', encoding="utf-8")
        return schema.relative_to(root).as_posix()
    if first.startswith("# ") and " " not in first[2:] and "/" in first:
        name = first[2:]
        target = root / name
        if name == ROUTES:  # the whole file: without `notes` it must be today's file
            today = target.read_text(encoding="utf-8")
            assert body.replace("notes, ", "").replace(", notes.router", "") == today, (
                f"{ROUTES} changed: update its block in docs/adding-a-resource.md"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        return name
    assert block.startswith(("bash ", "DATABASE_URL=")), f"a block without its destination: {first}"
    return None


def run(root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=1200)


def test_the_worked_example_keeps_the_checks_and_the_suite_green(tmp_path: Path) -> None:
    root = tmp_path / "project"
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            ignored = shutil.ignore_patterns("__pycache__", ".mypy_cache", ".pytest_cache", ".hypothesis")
            shutil.copytree(source, root / name, ignore=ignored)
        else:
            shutil.copy(source, root / name)
    written = [apply(root, block) for block in example_blocks()]
    for name in WRITTEN:
        assert name in written, f"the page no longer writes {name}"
    bin_dir = Path(sys.executable).parent
    for argv in (
        [str(bin_dir / "ruff"), "format", "--check", "."],
        [str(bin_dir / "ruff"), "check", "."],
        [str(bin_dir / "mypy")],
    ):
        done = run(root, *argv)
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    pytest_argv = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    own = run(root, *pytest_argv, "tests/notes")
    assert own.returncode == 0, own.stdout[-4000:] + own.stderr[-2000:]
    touched = [name for name in TOUCHED if (root / name).exists()]
    suite = run(root, *pytest_argv, *touched)
    assert suite.returncode == 0, suite.stdout[-6000:] + suite.stderr[-2000:]
    problem = postgres.server_problem()
    if problem:  # everything ran on SQLite; the PostgreSQL half of the notes tests skipped
        unavailable(f"{problem}; the worked example's tests run on PostgreSQL too")
    assert "4 passed" in own.stdout and "skipped" not in own.stdout, own.stdout[-2000:]
