"""The worked example of docs/adding-a-resource.md applied to a copy of the project, then checked.

Every code block of that page starts with a comment naming where it goes; this test puts each
one there exactly as printed, then runs what the page says to run. A page that drifts from
the code (a renamed helper, a changed fixture, a router list laid out differently) fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PAGE = ROOT / "docs" / "adding-a-resource.md"
BLOCK = re.compile(r"```(?:python|sql|bash)\n(.*?)```", re.S)
COPIED = ("api", "migrations", "scripts", "tests", "pyproject.toml", "requirements-dev.txt")


def example_blocks() -> list[str]:
    return BLOCK.findall(PAGE.read_text(encoding="utf-8"))


def apply(root: Path, block: str) -> None:
    first, _, body = block.partition("\n")
    if first.startswith("-- append to SQLITE_SCHEMA in "):
        schema = root / first.removeprefix("-- append to SQLITE_SCHEMA in ")
        text = schema.read_text(encoding="utf-8").rstrip()
        assert text.endswith('"""'), "SQLITE_SCHEMA is no longer the last string of schema.py"
        schema.write_text(text[:-3].rstrip("\n") + "\n" + body + '"""\n', encoding="utf-8")
    elif first.startswith("# api/backend_app/routes/__init__.py:"):
        routes = root / "api" / "backend_app" / "routes" / "__init__.py"
        lines = routes.read_text(encoding="utf-8").split("\n")
        for replacement in filter(None, body.split("\n")):
            start = " ".join(replacement.split(" ")[:2])  # "from backend_app.routes", "ROUTERS: list[APIRouter]"
            found = [i for i, line in enumerate(lines) if line.startswith(start + " ")]
            assert len(found) == 1, f"routes/__init__.py has no single `{start}` line to replace now"
            lines[found[0]] = replacement
        routes.write_text("\n".join(lines), encoding="utf-8")
    elif first.startswith("# ") and "/" in first and " " not in first[2:]:
        target = root / first[2:]
        target.parent.mkdir(parents=True, exist_ok=True)
        if first[2:].startswith("tests/"):
            (target.parent / "__init__.py").touch()  # "tests/notes/__init__.py is empty"
        target.write_text(body, encoding="utf-8")
    else:
        assert first.startswith("bash ") or first.startswith("DATABASE_URL") or "emulate.py" in block, first


def run(root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=900)


def test_the_worked_example_passes_the_projects_checks_on_both_databases(tmp_path: Path) -> None:
    root = tmp_path / "project"
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", ".mypy_cache"))
        else:
            shutil.copy(source, root / name)
    blocks = example_blocks()
    assert len(blocks) >= 5, "the page lost its code blocks"
    for block in blocks:
        apply(root, block)
    bin_dir = Path(sys.executable).parent
    new = ["api", "migrations", "tests/notes"]
    for argv in ([str(bin_dir / "ruff"), "format", "--check", *new], [str(bin_dir / "ruff"), "check", *new],
                 [str(bin_dir / "mypy")]):  # fmt: skip
        done = run(root, *argv)
        assert done.returncode == 0, done.stdout + done.stderr
    tests = run(root, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/notes")
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert "4 passed" in tests.stdout  # two tests, each on SQLite and on PostgreSQL: nothing skipped
