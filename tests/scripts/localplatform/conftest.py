"""The deployed trees the emulator's default mode runs: packages built once per pin set and shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.predeploy.deployment_tree import Target
from tests.support.deployed_packages import packages_for, this_target
from tests.support.paths import ROOT


@pytest.fixture(scope="session")
def target() -> Target:
    return this_target()


@pytest.fixture(scope="session")
def project_packages(target: Target) -> Path:
    """The packages of this project's pins (and both runtimes), built once per run; read only."""
    return packages_for(ROOT / "api", target)


def without_pin(root: Path, name: str) -> str:
    """Drop the pin of `name` from the copy's api/requirements.txt; returns the line removed."""
    requirements = root / "api" / "requirements.txt"
    lines = requirements.read_text(encoding="utf-8").splitlines(keepends=True)
    removed = [line for line in lines if line.lower().startswith(f"{name.lower()}==")]
    assert len(removed) == 1, f"api/requirements.txt pins {name} once"
    requirements.write_text("".join(line for line in lines if line not in removed), encoding="utf-8")
    return removed[0]
