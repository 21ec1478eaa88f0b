"""The import-name index shipped with the function: which distribution installs each top-level module.

Read from the metadata (RECORD, top_level.txt) of every distribution where the build runs (the
project's venv, where the code was written and its imports resolve), so a diagnosis in the
deployed function can name `libpass` for `passlib` or `python-jose` for `jose` even when that
distribution is not in the bundle, and a user's new pin is covered without editing a table. The
fallback reads it with the standard library (failsafe/distributions.py).
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
from pathlib import Path

# At the code's root (api/ as uploaded), beside index.py; failsafe/distributions.py reads it there.
FILE_NAME = "import_names.json"


def import_names() -> dict[str, list[str]]:
    """Top-level import name -> the distributions that install it, here."""
    found = metadata.packages_distributions()
    return {name: sorted(set(dists)) for name, dists in sorted(found.items()) if name.isidentifier()}


def write_import_names(code_root: Path) -> Path:
    path = code_root / FILE_NAME
    path.write_text(json.dumps(import_names(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    return path
