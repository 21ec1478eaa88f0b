"""A project's own table and route keep the template's schema and route tests green.

The tests that check the template's schema and routes derive what they expect from the code and
the migrations (docs/testing.md), so a table and a router a project adds are checked like the
template's own instead of breaking them. Here a copy of the project gets both, the way
docs/adding-a-resource.md adds them but with names of its own (the router in the middle of the
list), and `checkout.SCHEMA_AND_ROUTE_TESTS` run there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.checkout import SCHEMA_AND_ROUTE_TESTS, copy_checkout, pytest_in

pytestmark = pytest.mark.slow

MIGRATION = '''"""widgets

Revision ID: 0099_widgets
Revises: {head}
"""

from alembic import op

revision = "0099_widgets"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE widgets (id uuid PRIMARY KEY, name text NOT NULL UNIQUE)")


def downgrade() -> None:
    op.execute("DROP TABLE widgets")
'''
SQLITE_TABLE = "CREATE TABLE IF NOT EXISTS widgets (\n    id TEXT PRIMARY KEY,\n    name TEXT NOT NULL UNIQUE\n);\n"
ROUTER = '''"""Widgets: a project's own public route."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/widgets", tags=["widgets"])


@router.get("", summary="The widgets")
async def list_widgets() -> list[str]:
    return []
'''


def head_revision(versions: Path) -> str:
    revisions = {}
    for path in versions.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision = re.search(r'^revision = "(.+)"', text, re.M)
        down = re.search(r'^down_revision = "(.+)"', text, re.M)
        assert revision is not None, path
        revisions[revision[1]] = down[1] if down else None
    [head] = set(revisions) - set(revisions.values())
    return head


def test_a_new_table_and_route_keep_the_schema_and_route_tests_green(tmp_path: Path) -> None:
    root = copy_checkout(tmp_path / "project")
    versions = root / "migrations" / "versions"
    (versions / "0099_widgets.py").write_text(MIGRATION.format(head=head_revision(versions)), encoding="utf-8")
    schema = root / "api" / "backend_app" / "db" / "schema.py"
    text = schema.read_text(encoding="utf-8").rstrip()
    schema.write_text(text.removesuffix('"""') + SQLITE_TABLE + '"""\n', encoding="utf-8")
    routes = root / "api" / "backend_app" / "routes"
    (routes / "widgets.py").write_text(ROUTER, encoding="utf-8")
    listing = (routes / "__init__.py").read_text(encoding="utf-8")
    grown = listing.replace("password, users", "password, users, widgets").replace(
        "users.router,", "users.router, widgets.router,"
    )
    assert grown.count("widgets") == 2, "routes/__init__.py is laid out differently: update this test's edit"
    (routes / "__init__.py").write_text(grown, encoding="utf-8")
    done = pytest_in(root, "-p", "no:xdist", *SCHEMA_AND_ROUTE_TESTS)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and " failed" not in done.stdout, done.stdout[-2000:]
