"""The worked example of docs/adding-a-resource.md, applied to a copy of the project exactly as written.

Every code block of the page starts with a comment naming where it goes (a file, or the string it
is appended to); this test puts each one there, then runs the checks and the parts of the suite
the new resource touches: its own tests on both databases, and the tests that derive what they
expect from the schema and routes (`checkout.SCHEMA_AND_ROUTE_TESTS`), and the fallback's routing and
import tests (`checkout.LOADER_TESTS`). A page that drifts from the
code (a renamed helper, a changed fixture, a router list laid out differently) fails here, and so
does an example that would turn the suite red. A project that followed the page already holds
every block as written: applying it again changes nothing, and the test passes there too.

With `--worked-example-suite` the whole suite runs in the copy instead (CI does, see
docs/testing.md); by default the parts above, which are the ones a new resource can break.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import postgres
from tests.support.checkout import LOADER_TESTS, PARALLEL, SCHEMA_AND_ROUTE_TESTS, checks_in, copy_checkout, pytest_in
from tests.support.paths import ROOT
from tests.support.unavailable import unavailable

pytestmark = pytest.mark.slow

PAGE = ROOT / "docs" / "adding-a-resource.md"
BLOCK = re.compile(r"```(?:python|sql|bash)\n(.*?)```", re.S)
ROUTES = "api/backend_app/routes/__init__.py"
TESTS = "tests/backend/routes/test_notes.py"
# What the page writes: every layer of a resource (route -> service -> store), its migration and tests.
WRITTEN = (
    "migrations/versions/0003_notes.py",
    "api/backend_app/stores/notes.py",
    "api/backend_app/services/notes.py",
    "api/backend_app/schemas/notes.py",
    "api/backend_app/routes/notes.py",
    ROUTES,
    TESTS,
)
FOLLOWED = "a project that followed docs/adding-a-resource.md holds each block exactly as the page writes it"


def example_blocks() -> list[str]:
    return BLOCK.findall(PAGE.read_text(encoding="utf-8"))


def apply(root: Path, block: str) -> str | None:
    """Put one block where its first line says (that line names the place, the rest is the text).

    Returns the file written, or None for a block of commands. A block already in place, as a
    project that followed the page has it, is left as it is."""
    first, _, body = block.partition("\n")
    if first.startswith("-- append to SQLITE_SCHEMA in "):
        schema = root / first.removeprefix("-- append to SQLITE_SCHEMA in ")
        text = schema.read_text(encoding="utf-8").rstrip()
        assert text.endswith('"""'), "SQLITE_SCHEMA is no longer the last string of schema.py"
        if body not in text:
            schema.write_text(text[:-3].rstrip("\n") + "\n" + body + '"""\n', encoding="utf-8")
        return schema.relative_to(root).as_posix()
    if first.startswith("# ") and " " not in first[2:] and "/" in first:
        name = first[2:]
        target = root / name
        today = target.read_text(encoding="utf-8") if target.is_file() else None
        if today == body:
            return name  # already followed
        if name == ROUTES:  # the whole file: without `notes` it must be today's file
            assert today == body.replace("notes, ", "").replace(", notes.router", ""), (
                f"{ROUTES} is neither the page's block nor that block without `notes`: "
                "the page drifted from the code (update its block in docs/adding-a-resource.md)"
            )
        else:
            assert today is None, f"{name} exists and differs from the page's block ({FOLLOWED})"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        return name
    assert block.startswith(("bash ", "DATABASE_URL=")), f"a block without its destination: {first}"
    return None


def test_the_worked_example_keeps_the_checks_and_the_suite_green(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    root = copy_checkout(tmp_path / "project")
    written = [apply(root, block) for block in example_blocks()]
    for name in WRITTEN:
        assert name in written, f"the page no longer writes {name}"
    for done in checks_in(root):
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    own = pytest_in(root, "-p", "no:xdist", TESTS)
    assert own.returncode == 0, own.stdout[-4000:] + own.stderr[-2000:]
    if request.config.getoption("worked_example_suite"):
        suite = pytest_in(root, *PARALLEL)
    else:
        suite = pytest_in(root, "-p", "no:xdist", *SCHEMA_AND_ROUTE_TESTS, *LOADER_TESTS)
    assert suite.returncode == 0, suite.stdout[-6000:] + suite.stderr[-2000:]
    problem = postgres.server_problem()
    if problem:  # everything ran on SQLite; the PostgreSQL half of the notes tests skipped
        unavailable(f"{problem}; the worked example's tests run on PostgreSQL too")
    assert "4 passed" in own.stdout and "skipped" not in own.stdout, own.stdout[-2000:]
