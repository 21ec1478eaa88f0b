"""One build of each deployment tree per test run, shared by every xdist worker (a pytest plugin).

The deploy tests run scripts/check_deps.py, scripts/package_lambda.py and `sam build` as a user
does, many times over the same pins. With `PREDEPLOY_CACHE_DIR` (scripts/predeploy/cache.py) set
for the run, the first build of a target installs and compiles its wheels, and every later one, in
any worker, copies them: one wheel download and one tree per target and Python, one venv for the
`install` check. The folder is new for each run (so each run still installs from the index once)
and removed at its end; the controller makes it before the workers start, and they inherit it.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from scripts.predeploy.cache import ENV

_FOLDER = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker: the controller's folder is in its environment
        return
    folder = tempfile.mkdtemp(prefix="pytest-predeploy-cache-")
    config.stash[_FOLDER] = folder
    os.environ[ENV] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_FOLDER, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
