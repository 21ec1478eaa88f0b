"""Which distribution provides an import name, whether it is pinned and shipped, and what it was built for.

Standard library only (the fallback runs when any package may be missing). The answer comes from
distributions' own metadata, never from a table: first what is installed where the function runs
(RECORD / top_level.txt of each `*.dist-info`, so `passlib` is `libpass` when libpass is in the
bundle), then the project's index beside index.py (`import_names.json`, committed with the code and
so in every bundle, Vercel's included: the same metadata read in the development venv, it knows
`jose` is `python-jose` when python-jose is not in the bundle). Without either, the import name
with `_` as `-` is the guess.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import platform
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from failsafe.requirements import normalise, read_pins

INDEX_FILE = "import_names.json"  # api/import_names.json, written by scripts/import_names.py


def _installed() -> Mapping[str, list[str]]:
    return metadata.packages_distributions()


def _shipped(api_dir: Path) -> dict[str, list[str]]:
    try:
        found = json.loads((api_dir / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def pinned(api_dir: Path) -> dict[str, str]:
    """Normalised name -> the name as pinned in api/requirements.txt (none when unreadable)."""
    try:
        return {pin.key: pin.name for pin in read_pins(api_dir / "requirements.txt").pins}
    except OSError:
        return {}


def candidates(module: str, api_dir: Path) -> list[str]:
    """The distributions that install top-level `module`, most trusted source first."""
    top = module.split(".")[0]
    found = _installed().get(top) or _shipped(api_dir).get(top) or [top.replace("_", "-")]
    return [str(name) for name in found]


def distribution_for(module: str, api_dir: Path) -> str:
    """The distribution to name for `module`: a pinned one among the candidates, else the first."""
    names = candidates(module, api_dir)
    pins = pinned(api_dir)
    return next((pins[normalise(name)] for name in names if normalise(name) in pins), names[0])


def installed_version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


class Built(NamedTuple):
    """What a distribution's wheel was built for, from its WHEEL tags (None: pure Python, any)."""

    archs: tuple[str, ...]
    pythons: tuple[str, ...]

    def fits_here(self) -> bool:
        machine = running_arch()
        arch_ok = not self.archs or machine in self.archs
        here = f"cp{sys.version_info[0]}{sys.version_info[1]}"
        python_ok = not self.pythons or any(tag in (here, "abi3") or tag.startswith("py") for tag in self.pythons)
        return arch_ok and python_ok

    def describe(self) -> str:
        archs = "/".join(self.archs) or "any architecture"
        pythons = "/".join(_python_of(tag) for tag in self.pythons) or "any Python"
        return f"{archs}, {pythons}"


def running_arch() -> str:
    machine = platform.machine().lower()
    return {"arm64": "aarch64", "amd64": "x86_64"}.get(machine, machine)


def running() -> str:
    return f"{running_arch()}, Python {sys.version_info[0]}.{sys.version_info[1]}"


def _python_of(tag: str) -> str:
    if tag == "abi3":
        return "CPython 3 (abi3)"
    digits = tag.removeprefix("cp")
    return f"Python {digits[0]}.{digits[1:]}" if digits.isdigit() and len(digits) > 1 else tag


def built_for(dist: str) -> Built | None:
    """The architectures and Python ABIs a distribution's installed wheel was built for."""
    try:
        text = metadata.distribution(dist).read_text("WHEEL") or ""
    except metadata.PackageNotFoundError:
        return None
    archs: set[str] = set()
    pythons: set[str] = set()
    for line in text.splitlines():
        if not line.startswith("Tag:"):
            continue
        _python, abi, plat = [*line.split(":", 1)[1].strip().split("-"), "", "", ""][:3]
        if plat != "any":
            archs.update(arch for arch in ("x86_64", "aarch64") if plat.endswith(arch))
            pythons.add(abi if abi != "none" else _python)
    return Built(tuple(sorted(archs)), tuple(sorted(pythons)))


def ships_module(dist: str, top: str) -> bool:
    """Whether the files a distribution's RECORD lists for `top` are where the metadata says."""
    try:
        files = metadata.distribution(dist).files or []
    except metadata.PackageNotFoundError:
        return False
    own = [f for f in files if f.parts and f.parts[0] in (top, f"{top}.py")]
    return any(Path(str(f.locate())).exists() for f in own[:20])


def requirers(dist: str, api_dir: Path) -> list[str]:
    """Pinned, installed distributions whose metadata requires `dist` (not only for an extra)."""
    key = normalise(dist)
    found = []
    for pin_key, name in pinned(api_dir).items():
        try:
            requires = metadata.distribution(pin_key).requires or []
        except metadata.PackageNotFoundError:
            continue
        for requirement in requires:
            if normalise(_name(requirement)) == key and "extra ==" not in requirement:
                found.append(name)
                break
    return found


def extra_requirements(dist: str, extra: str) -> list[str]:
    """What `dist[extra]` adds, from the installed metadata of `dist` (empty when it is not installed)."""
    try:
        requires = metadata.distribution(dist).requires or []
    except metadata.PackageNotFoundError:
        return []
    marker = f'extra == "{extra}"'
    return [_name(requirement) for requirement in requires if marker in requirement.replace("'", '"')]


def _name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return match.group(1) if match else requirement
