"""Bring api/import_names.json up to date with the code's imports and the installed metadata.

    .venv/bin/python scripts/import_names.py    # rewrites it when stale and says what changed

Run it from the project's venv (where the code's imports resolve) and commit the file. The
fallback's diagnosis reads it to name the distribution to pin for a module the deployed function
lacks (scripts/predeploy/import_names.py says why it is a committed file). `scripts/dev.sh` runs
it at start; the pre-deploy check (scripts/check_deps.py) fails while it is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "api"))  # failsafe's name for the file, the one the fallback reads

from scripts.predeploy.import_names import read_index, write_index  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder")
    parser.add_argument("--quiet", action="store_true", help="say nothing when it is current")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    before = read_index(root) or {}
    if not write_index(root):
        if not args.quiet:
            print("api/import_names.json is current")
        return 0
    after = read_index(root) or {}
    changed = sorted(module for module in set(before) | set(after) if before.get(module) != after.get(module))
    print(f"updated api/import_names.json ({', '.join(changed) or 'layout'}): commit it with the code")
    return 0


if __name__ == "__main__":
    sys.exit(main())
