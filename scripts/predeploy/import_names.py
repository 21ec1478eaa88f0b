"""The import-name index, `api/import_names.json`: which distributions install each module the code imports.

A committed file of the project, so every build ships it as part of api/ (Vercel's own builder,
which runs no script of ours, included). The fallback's diagnosis reads it when the distribution is
not installed where the function runs (failsafe/distributions.py): with `python-jose` missing from
api/requirements.txt, the hint says `add python-jose`, not `add jose`.

This module is its one writer. Each top-level third-party module that the code under api/ imports
(unconditionally: an optional import never fails the load) is mapped from distributions' own
metadata (top_level.txt, else the RECORD's top-level entries) where this runs: the project's venv,
where the code's imports resolve; so is each module a pinned distribution installs. Entries are
added or corrected, never dropped: a module metadata does not know here keeps its committed entry
(a run outside the venv never empties the index), and so does one whose pin was removed.
`scripts/import_names.py` rewrites it, `scripts/dev.sh` runs that at start, and the pre-deploy
check fails while it is stale.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import sys
from collections import defaultdict
from pathlib import Path

from failsafe.distributions import INDEX_FILE
from failsafe.requirements import normalise, read_pins
from scripts.predeploy.import_sites import collect_imports, not_third_party

UPDATE_COMMAND = ".venv/bin/python scripts/import_names.py"
Index = dict[str, list[str]]


def _top_level(dist: metadata.Distribution) -> set[str]:
    declared = (dist.read_text("top_level.txt") or "").split()
    if declared:
        return set(declared)
    return {
        str(path.parts[0]) if len(path.parts) > 1 else path.stem
        for path in dist.files or []
        if path.parts and (len(path.parts) > 1 or path.suffix == ".py")
    }


def installed_import_names() -> Index:
    """Top-level import name -> the distributions that install it, among those this Python sees."""
    found: dict[str, set[str]] = defaultdict(set)
    for dist in metadata.distributions(path=sys.path):
        name = dist.metadata["Name"]
        for top in _top_level(dist):
            if top.isidentifier():
                found[top].add(name)
    return {top: sorted(names) for top, names in sorted(found.items())}


def wanted_modules(root: Path, installed: Index) -> set[str]:
    """The modules the index must map: the third-party top-level modules the code under api/ imports
    unconditionally (an optional import never fails the load), and those the pinned distributions
    install (a module imported through a computed name, like libpass's `passlib`, is seen there)."""
    skip = not_third_party(root / "api")
    imported = {site.module for site in collect_imports(root) if not site.optional and site.module not in skip}
    requirements = root / "api" / "requirements.txt"
    pins = {pin.key for pin in read_pins(requirements).pins} if requirements.is_file() else set()
    provided = {module for module, names in installed.items() if pins & {normalise(name) for name in names}}
    return imported | provided


def read_index(root: Path) -> Index | None:
    """The committed index (None when it is missing or not a JSON object of name lists)."""
    try:
        found = json.loads((root / "api" / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict) or not all(isinstance(names, list) for names in found.values()):
        return None
    return {str(module): [str(name) for name in names] for module, names in found.items()}


def current_index(root: Path) -> Index:
    """The committed index with metadata's answer for every module it must map. An entry is never
    dropped: after a pin is removed, its mapping is what a diagnosis needs to name it."""
    installed = installed_import_names()
    index = read_index(root) or {}
    for module in wanted_modules(root, installed):
        if installed.get(module):
            index[module] = installed[module]
    return index


def render(index: Index) -> str:
    """One module a line, sorted: a new import is a one-line diff."""
    lines = [f"  {json.dumps(module)}: {json.dumps(names)}" for module, names in sorted(index.items())]
    return "{\n" + ",\n".join(lines) + "\n}\n" if lines else "{}\n"


def write_index(root: Path) -> bool:
    """Rewrite `root`/api/import_names.json when it is not current; whether it changed."""
    path = root / "api" / INDEX_FILE
    text = render(current_index(root))
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    path.write_text(text, encoding="utf-8")
    return True


def stale_entries(root: Path, unpinned: set[str]) -> list[str]:
    """What the pre-deploy check says of the committed index: each module it must map that it lacks
    or maps unlike metadata. Modules in `unpinned` are left out: the check already fails on them,
    and pinning comes first."""
    run = f"run `{UPDATE_COMMAND}` and commit api/{INDEX_FILE}"
    committed = read_index(root)
    if committed is None:
        why = "a diagnosis of a missing package would guess the distribution from the import name"
        return [f"api/{INDEX_FILE} is missing or unreadable ({why}): {run}"]
    problems = []
    for module, names in sorted(current_index(root).items()):
        if module in unpinned or committed.get(module) == names:
            continue
        was = f"names {', '.join(committed[module])}" if module in committed else "lacks it"
        problems.append(
            f"api/{INDEX_FILE} is stale: `{module}` is installed by {', '.join(names)} (metadata here), "
            f"the index {was}; a deployed diagnosis would name the wrong fix: {run}"
        )
    return problems
