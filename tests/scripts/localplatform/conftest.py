"""The deployed trees the emulator's default mode runs: packages built once per pin set and shared.

The package cache (scripts/localplatform/deployed.py) is keyed on the requirements, the Python and
the architecture, and filled atomically, so every test and worker that asks for the same pins
reuses one build. Building here, before an emulator starts, keeps the build out of the emulator's
start-up wait.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.localplatform import deployed, isolation
from scripts.predeploy.deployment_tree import NoWheelsError, Target
from tests.support.paths import ROOT
from tests.support.unavailable import unavailable


@pytest.fixture(scope="session")
def target() -> Target:
    return deployed.this_machine(isolation.default_python())


def packages_for(api: Path, target: Target) -> Path:
    """The cached packages of `api/requirements.txt` (built now when new); unavailable without wheels."""
    try:
        return deployed.function_packages(api, target)
    except NoWheelsError as exc:
        unavailable(f"pip could not install api/requirements.txt for {target.label} (a package index?): {exc}")
        raise


@pytest.fixture(scope="session")
def project_packages(target: Target) -> Path:
    """The packages of this project's pins, and both runtimes, built once per run (read only)."""
    for name in isolation.RUNTIMES.values():
        try:
            deployed.runtime_packages(isolation.runtime_pin(name), target)
        except NoWheelsError as exc:
            unavailable(f"pip could not install {name} for {target.label}: {exc}")
    return packages_for(ROOT / "api", target)


def without_pin(root: Path, name: str) -> str:
    """Drop the pin of `name` from the copy's api/requirements.txt; returns the line removed."""
    requirements = root / "api" / "requirements.txt"
    lines = requirements.read_text(encoding="utf-8").splitlines(keepends=True)
    removed = [line for line in lines if line.lower().startswith(f"{name.lower()}==")]
    assert len(removed) == 1, f"api/requirements.txt pins {name} once"
    requirements.write_text("".join(line for line in lines if line not in removed), encoding="utf-8")
    return removed[0]
