"""Shared fixtures. `api/` is importable the way the platforms import it (see api/index.py).

`database_url` runs a test on an SQLite file, then on a scratch PostgreSQL database (`pg_url`).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from _pytest.nodeid import coerce_node_id

from tests.support import postgres
from tests.support.entry import entry_under
from tests.support.paths import API, ROOT
from tests.support.unavailable import unavailable

for entry in (str(ROOT), str(API)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

# Production settings require SECRET_KEY (>= 32 bytes). Tests that run the backend as
# deployed (platform detected, ENVIRONMENT=production) and the subprocesses they start inherit
# this one; tests of a missing key remove or override it explicitly.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-never-deployed-0123456789")
# Fixtures that tests in several folders use (callers through every entry, broken project copies).
pytest_plugins = ("tests.support.build_cache", "tests.support.callers", "tests.support.platforms")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--worked-example-suite",
        action="store_true",
        help="tests/docs/test_readme_example.py runs the whole suite in the copy with the example applied",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files that hold a slow test first, the rest in their order: run in parallel by file
    (scripts/test.sh), a long file then starts early instead of running alone at the end.

    Each item gets a node id of its own: schemathesis gives every operation's item the test
    function's id, and pytest-xdist, which hands tests to workers by id, would run only the first.
    """
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)
    counts = Counter(item.nodeid for item in items)
    for item in items:
        if counts[item.nodeid] > 1 and isinstance(item, pytest.Function):
            # pytest 9 keeps the id as a NodeId in `_id` (no public setter); the item's own name is unique.
            item._id = coerce_node_id(f"{item.nodeid.rpartition('::')[0]}::{item.name}")


@pytest.fixture(scope="module")
def dev_entry() -> Iterator[Any]:
    """`api.index` as `scripts/dev.sh` runs it: ENVIRONMENT=development said explicitly."""
    with entry_under({"ENVIRONMENT": "development"}) as module:
        yield module


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    problem = postgres.server_problem()
    if problem:
        unavailable(f"{problem}; these tests run against a real PostgreSQL")
    name, url = postgres.create_database()
    yield url
    postgres.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/app.sqlite3"
    url: str = request.getfixturevalue("pg_url")
    asyncio.run(postgres.truncate(url))
    return url
