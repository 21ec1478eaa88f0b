"""The packages the emulator's deployed mode runs, built before an emulator starts.

The first build of a pin set (pip and compileall, tens of seconds) would otherwise count against
a server's start-up wait. The cache (scripts/localplatform/deployed.py) is keyed on the pins, the
Python and the architecture and filled atomically, so tests and workers share one build.
"""

from __future__ import annotations

from pathlib import Path

from scripts.localplatform import deployed, isolation
from scripts.predeploy.deployment_tree import NoWheelsError, Target
from tests.support.unavailable import unavailable


def this_target() -> Target:
    """What the emulator builds for by default: this machine, the Python running the tests."""
    return deployed.this_machine(isolation.default_python())


def packages_for(api: Path, target: Target | None = None) -> Path:
    """The cached packages of `api/requirements.txt` and both runtimes, built now when new."""
    target = target or this_target()
    try:
        for name in isolation.RUNTIMES.values():
            deployed.runtime_packages(isolation.runtime_pin(name), target)
        return deployed.function_packages(api, target)
    except NoWheelsError as exc:
        unavailable(f"pip could not install the function's or the runtimes' packages for {target.label}: {exc}")
        raise
