"""The import-name index shipped with the function: which distribution installs each top-level module.

Read from distributions' own metadata (top_level.txt, else the RECORD's top-level entries): those
in the built tree, then those where the build runs (the project's venv, where the code was written
and its imports resolve). A diagnosis in the deployed function can then name `libpass` for
`passlib` or `python-jose` for `jose` even when that distribution is not in the bundle, and a
user's new pin is covered without editing a table. The fallback reads it with the standard
library (failsafe/distributions.py).
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import sys
from collections import defaultdict
from pathlib import Path

# At the code's root (api/ as uploaded), beside index.py; failsafe/distributions.py reads it there.
FILE_NAME = "import_names.json"


def _top_level(dist: metadata.Distribution) -> set[str]:
    declared = (dist.read_text("top_level.txt") or "").split()
    if declared:
        return set(declared)
    return {
        str(path.parts[0]) if len(path.parts) > 1 else path.stem
        for path in dist.files or []
        if path.parts and (len(path.parts) > 1 or path.suffix == ".py")
    }


def import_names(paths: list[str]) -> dict[str, list[str]]:
    """Top-level import name -> the distributions that install it, among those found on `paths`."""
    found: dict[str, set[str]] = defaultdict(set)
    for dist in metadata.distributions(path=paths):
        name = dist.metadata["Name"]
        for top in _top_level(dist):
            if top.isidentifier():
                found[top].add(name)
    return {top: sorted(names) for top, names in sorted(found.items())}


def write_import_names(code_root: Path, packages: Path | None = None) -> Path:
    """Write the index into `code_root`; `packages` is where the tree's packages are (default: there too)."""
    path = code_root / FILE_NAME
    index = import_names([str(packages or code_root), *sys.path])
    path.write_text(json.dumps(index, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    return path
