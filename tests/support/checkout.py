"""A copy of the whole checkout, with the tools and venvs of the original, to change and run the suite in.

For tests that change the project as a user would (a table, a route, the worked example of
docs/adding-a-resource.md) and then run the checks and parts of the suite there. `.tools/` and
the venvs are linked, not copied (~780 MB and more, read-only to the tests); `.mypy_cache/` is copied so that mypy in
the copy only checks what changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT

# Local state a fresh clone does not have, and what the deploy tests build.
NOT_COPIED = (".git", ".venv*", ".tools", ".vercel", ".aws-sam", "node_modules", "__pycache__", "*.pyc", "data")
NOT_COPIED_CACHES = (".ruff_cache", ".pytest_cache", ".hypothesis")


def copy_checkout(dest: Path) -> Path:
    """The checkout at `dest` (a fresh clone's files, the original's `.tools` and `.venv*` linked); `dest`."""
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(*NOT_COPIED, *NOT_COPIED_CACHES), symlinks=True)
    for shared in [ROOT / ".tools", *sorted(ROOT.glob(".venv*"))]:
        if shared.is_dir():
            (dest / shared.name).symlink_to(shared.resolve(), target_is_directory=True)
    # A repository of its own: the docs tests list the project's files as git does (ls-files).
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True, capture_output=True, timeout=60)
    return dest


def run_in(root: Path, *argv: str, timeout_s: float = 1200) -> subprocess.CompletedProcess[str]:
    """A command in the copy at `root`, with this run's environment and no bytecode written."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=timeout_s, check=False)


def checks_in(root: Path) -> list[subprocess.CompletedProcess[str]]:
    """`ruff format --check`, `ruff check` and `mypy` (strict) in the copy, as scripts/test.sh runs them."""
    bin_dir = Path(sys.executable).parent
    return [
        run_in(root, str(bin_dir / "ruff"), "format", "--check", "."),
        run_in(root, str(bin_dir / "ruff"), "check", "."),
        run_in(root, str(bin_dir / "mypy")),
    ]


def pytest_in(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in the copy on this interpreter; `-p no:xdist` runs it serially, `*PARALLEL` as scripts/test.sh does."""
    return run_in(root, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args)


# scripts/test.sh's parallel run: one worker per core, each test file on one worker (module fixtures built once).
PARALLEL = ("-n", "auto", "--dist", "loadfile", "--no-loadscope-reorder")


# The tests that check what a project declares (its tables, its routes and their schema), deriving
# what they expect from the code and migrations: a project's addition must keep them green.
SCHEMA_AND_ROUTE_TESTS = (
    "tests/backend/db/test_schema_drift.py",
    "tests/backend/routes/test_fuzz_api.py",
    "tests/backend/routes/test_openapi.py",
    "tests/backend/test_complete_load.py",
)
# What else a new router touches: the fallback's routing and the failed imports it diagnoses.
LOADER_TESTS = ("tests/failsafe/test_routing.py", "tests/failsafe/test_import_failures.py")
