"""A service or tool a test needs is missing: a failure in CI (CI=true), a skip naming it elsewhere."""

from __future__ import annotations

import functools
import os
import urllib.error
import urllib.request
from typing import NoReturn

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> NoReturn:
    """A missing service or tool fails loudly in CI (CI=true) and skips, with the reason, elsewhere."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service or tool is a failure)")
    pytest.skip(reason)


@functools.cache
def package_index_problem() -> str | None:
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
    problem = package_index_problem()
    if problem:
        unavailable(problem)
