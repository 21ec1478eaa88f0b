"""Shared fixtures. `api/` is importable the way the platforms import it (see api/index.py).

`database_url` runs a test on an SQLite file, then on a scratch PostgreSQL database (`pg_url`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any, NoReturn

import pytest

from tests.support import postgres
from tests.support.paths import API, ROOT

for entry in (str(ROOT), str(API)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

# Production settings require SECRET_KEY (>= 32 bytes). Tests that run the backend as
# deployed (platform detected, ENVIRONMENT=production) and the subprocesses they start inherit
# this one; tests of a missing key remove or override it explicitly.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-never-deployed-0123456789")
IN_CI = os.environ.get("CI", "").lower() == "true"
# Fixtures that tests in several folders use (callers through every entry, broken project copies).
pytest_plugins = ("tests.support.callers", "tests.support.platforms")


def unavailable(reason: str) -> NoReturn:
    """A missing service or tool fails loudly in CI (CI=true) and skips, with the reason, elsewhere."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service or tool is a failure)")
    pytest.skip(reason)


@functools.cache
def _package_index_problem() -> str | None:
    url = os.environ.get("PIP_INDEX_URL") or "https://pypi.org/simple/"
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=10).close()
    except urllib.error.HTTPError:
        return None  # it answered: the network is there
    except (OSError, ValueError) as exc:
        return (
            f"the package index {url} cannot be reached ({exc}): this test downloads packages as a deploy does; "
            "connect to the network or point PIP_INDEX_URL at a reachable mirror"
        )
    return None


def needs_package_index() -> None:
    """Skip (fail with CI=true) when PyPI is unreachable: offline, a package look-up is no test of the code."""
    problem = _package_index_problem()
    if problem:
        unavailable(problem)


def close_entry(entry: Any) -> None:
    """Close the database connections of a loaded `api.index` on the handler's own event loop."""
    loaded = entry.app.loaded
    database = getattr(getattr(loaded.backend, "state", None), "database", None) if loaded else None
    loop = entry.handler._loop
    if loop is not None and not loop.is_closed():
        if loaded is not None and loaded.lifespan is not None and loaded.lifespan.started:
            loop.run_until_complete(loaded.lifespan.shutdown())  # the backend's lifespan closes the database
        if database is not None:
            loop.run_until_complete(database.close())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


@contextlib.contextmanager
def entry_under(env: dict[str, str]) -> Iterator[Any]:
    """`api.index` re-imported with `env` in the environment and the settings read again; restored after."""
    import api.index
    from backend_app.core.config import get_settings

    with pytest.MonkeyPatch.context() as patch:
        close_entry(api.index)
        for name, value in env.items():
            patch.setenv(name, value)
        get_settings.cache_clear()
        try:
            yield importlib.reload(api.index)
        finally:
            close_entry(api.index)
    get_settings.cache_clear()
    importlib.reload(api.index)


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
