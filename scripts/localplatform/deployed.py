"""The function's tree as the platform's build makes it, for the emulator and the tests.

Packages: only what `api/requirements.txt` pins, binary wheels for this machine's architecture and
the chosen Python, with hash-based bytecode (scripts/predeploy/deployment_tree.py, as
scripts/package_lambda.py builds them). They are cached, keyed on the requirements' bytes, the
Python and the architecture: a second start with nothing changed reinstalls nothing. The cache is
scripts/predeploy/cache.py's, always on here: an entry is built under a lock and counts once it is
complete, so parallel starts (test workers) never see half a tree.

The code (api/ without caches and tests, compiled) is copied afresh into each tree, so an edit is
picked up at the next start without touching the packages. Lambda's tree is the task root (code
and packages side by side, packages as links into the cache); Vercel's is the project root with
`api/` and the packages in `_vendor/`, as the `.func` holds them.
"""

from __future__ import annotations

import compileall
import os
import platform
import py_compile
import sys
import tempfile
from pathlib import Path

from scripts.predeploy.bytecode import compile_tree
from scripts.predeploy.cache import cache_key, cached
from scripts.predeploy.deployment_tree import (
    ARCH_ALIASES,
    NoWheelsError,
    Target,
    copy_code,
    install_compiled_wheels,
)

CHECKOUT = Path(__file__).resolve().parent.parent.parent
# Per user, shared by every checkout and copy of the project (entries are keyed by what they hold,
# so they never clash); EMULATE_CACHE_DIR moves it.
CACHE = Path(
    os.environ.get("EMULATE_CACHE_DIR")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "serverless-template" / "deployed"
)
# Bump when what a cache entry holds changes, so old entries are not reused.
LAYOUT = "2"


def this_machine(python: str) -> Target:
    """The target this machine runs: its architecture, the chosen Python."""
    return Target(python, ARCH_ALIASES.get(platform.machine().lower(), platform.machine().lower()))


def cached_packages(requirements: bytes, target: Target, cache: Path = CACHE) -> Path:
    """The packages `requirements` pins, installed for `target` with bytecode: built once, then reused."""

    def build(into: Path) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            pins = Path(scratch) / "requirements.txt"
            pins.write_bytes(requirements)
            error = install_compiled_wheels(pins, target, into)
        if error is not None:
            raise NoWheelsError(error)

    entry, _ = cached(cache, cache_key("deployed", LAYOUT, target.label, requirements), build)
    return entry


def function_packages(api: Path, target: Target, cache: Path = CACHE) -> Path:
    return cached_packages((api / "requirements.txt").read_bytes(), target, cache)


def runtime_packages(pin: str, target: Target, cache: Path = CACHE) -> Path:
    """The platform's own runtime (`awslambdaric==4.2.2`), kept apart from the function's packages."""
    return cached_packages(f"{pin}\n".encode(), target, cache)


def write_code(api: Path, into: Path, python: str) -> None:
    """The function's code as uploaded (api/import_names.json with it, as committed), with its bytecode."""
    copy_code(api, into)
    if python == f"{sys.version_info[0]}.{sys.version_info[1]}":
        # This Python's own compiler: no child interpreter and worker pool for ~100 modules (~0.5 s less).
        compileall.compile_dir(into, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        return
    error = compile_tree(into, python)
    if error is not None:
        raise NoWheelsError(error)


def link_packages(packages: Path, into: Path) -> None:
    """Each top-level entry of the cached packages, linked into `into`: removing one from the tree
    (a test of a package missing from the bundle) leaves the cache whole."""
    for entry in packages.iterdir():
        if not (into / entry.name).exists():
            (into / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())


def lambda_tree(api: Path, packages: Path, into: Path, python: str) -> Path:
    """A task root as Lambda unzips it: code and packages side by side."""
    write_code(api, into, python)
    link_packages(packages, into)
    return into


def vercel_tree(api: Path, packages: Path, into: Path, python: str) -> Path:
    """A project root as Vercel's `.func` holds it: `api/` and the packages in `_vendor/`."""
    write_code(api, into / "api", python)
    (into / "_vendor").mkdir()
    link_packages(packages, into / "_vendor")
    return into
