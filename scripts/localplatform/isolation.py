"""The emulator's two modes, and what the deployed mode runs: the built tree, an isolated interpreter.

- `deployed` (the default): the function's tree as the platform's build makes it
  (`deployed.lambda_tree` / `deployed.vercel_tree`, packages cached) under a Python of the chosen
  version started with `-I -S` by `isolated.py`: no .venv, no site-packages. A package the code
  imports and api/requirements.txt does not pin fails here as it fails deployed.
- `venv`: the project's `api/` with the development venv's packages, as before: fast to restart,
  blind to a forgotten requirement.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from scripts.localplatform import deployed
from scripts.predeploy.deployment_tree import Target
from scripts.predeploy.interpreters import find_python

Platform = Literal["lambda", "vercel"]
LAUNCHER = Path(__file__).resolve().with_name("isolated.py")
# The runtimes, pinned where the project pins its development tools.
DEV_REQUIREMENTS = deployed.CHECKOUT / "requirements-dev.txt"
RUNTIMES = {"ric": "awslambdaric", "vercel": "vercel-runtime"}


VENV_MODE = (
    "mode: in-venv: api/ with the development venv's packages; a package api/requirements.txt does not pin "
    "works here and fails deployed (drop --in-venv to run the deployed tree)"
)


def runtime_pin(name: str, requirements: Path = DEV_REQUIREMENTS) -> str:
    for line in requirements.read_text(encoding="utf-8").splitlines():
        if re.match(rf"{re.escape(name)}\s*==", line.strip(), re.IGNORECASE):
            return line.split("#")[0].strip()
    raise SystemExit(f"{requirements} pins no {name}: the emulator runs the version pinned there")


def interpreter(python: str) -> str:
    found = find_python(python)
    if found is None:
        raise SystemExit(f"no Python {python} found (PATH or pyenv): install it, or pick another with --python")
    return found


@dataclass
class DeployedFunction:
    """A built tree and the command that runs it isolated; `close()` removes the tree (not the cache)."""

    platform: Platform
    runtime: str  # "ric", "inproc" (Lambda) or "vercel"
    target: Target
    tree: Path
    command: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"mode: deployed: the function's tree ({self.target.label}, only api/requirements.txt) in {self.tree}, "
            "run by an interpreter that sees nothing else (--in-venv: the development venv instead)"
        )

    def close(self) -> None:
        shutil.rmtree(self.tree.parent, ignore_errors=True)


def command_for(platform: Platform, runtime: str, target: Target, tree: Path) -> list[str]:
    """The child's argv (Lambda: the handler is appended by the runtime's process)."""
    # -I: no PYTHONPATH, user site or script folder; -S: no site-packages; -B: the tree is read-only.
    isolated = [interpreter(target.python), "-I", "-S", "-B", str(LAUNCHER)]
    if platform == "vercel":
        runtime_dir = deployed.runtime_packages(runtime_pin(RUNTIMES["vercel"]), target)
        return [*isolated, "vercel", str(runtime_dir), f"{tree}{os.pathsep}{tree / '_vendor'}"]
    if runtime == "ric":
        runtime_dir = deployed.runtime_packages(runtime_pin(RUNTIMES["ric"]), target)
        return [*isolated, "ric", str(runtime_dir), str(tree)]
    return [*isolated, "direct", "", str(tree)]


def is_built(tree: Path) -> bool:
    """A built tree (an unzipped package, a `sam build` output) carries its packages' metadata."""
    return any(tree.glob("*.dist-info")) or any(tree.glob("_vendor/*.dist-info"))


def build(api: Path, platform: Platform, runtime: str, python: str, tree: Path | None = None) -> DeployedFunction:
    """Build the deployed function of the code in `api` (packages from the cache), and its command.

    With `tree` (an unzipped package, a `sam build` output), that tree is run as it is.
    """
    target = deployed.this_machine(python)
    if tree is None:
        packages = deployed.function_packages(api, target)
        where = Path(tempfile.mkdtemp(prefix="emulate-deployed-")) / "tree"
        where.mkdir()
        build_tree = deployed.vercel_tree if platform == "vercel" else deployed.lambda_tree
        tree = build_tree(api, packages, where, python)
        function = DeployedFunction(platform, runtime, target, tree)
    else:
        function = _Given(platform, runtime, target, tree.resolve())
    function.command = command_for(platform, runtime, target, function.tree)
    return function


class _Given(DeployedFunction):
    """A tree the user built: run it, never delete it."""

    def close(self) -> None:
        pass


def default_python() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"
