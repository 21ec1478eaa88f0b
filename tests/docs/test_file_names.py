"""Every project file the README and the guides name exists: a rename that forgets the docs fails here.

A name counts when it is written in backticks and starts with one of the project's top-level folders
(`api/failsafe/loader.py`, `tests/support/`); names with placeholders (`routes/<resource>.py`) and
globs are not files and are skipped, and so are what a build makes (`api/index.func`, in Vercel's output).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.paths import ROOT

FOLDERS = ("api", "bench", "docs", "migrations", "public", "scripts", "tests")
NAMED = re.compile(r"`((?:" + "|".join(FOLDERS) + r")/[A-Za-z0-9_./-]*)`")
BUILT = {"api/index.func"}
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def named_files(page: Path) -> list[str]:
    return sorted({name.rstrip("/.") for name in NAMED.findall(page.read_text(encoding="utf-8"))})


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_named_file_exists(page: Path) -> None:
    missing = [name for name in named_files(page) if name not in BUILT and not (ROOT / name).exists()]
    assert not missing, f"{page.relative_to(ROOT)} names files that do not exist: {missing}"


def test_the_pages_name_files() -> None:
    # The check above is only worth something while the pages do name files in this form.
    assert len(named_files(ROOT / "docs" / "architecture.md")) >= 20
