"""Bring the PostgreSQL schema up to date: `DATABASE_URL=... .venv/bin/python scripts/migrate.py [revision]`.

Runs Alembic (a development dependency, never deployed) from a developer machine or CI. The
revision defaults to `head`; `base` undoes everything.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    revision = argv[0] if argv else "head"
    if revision == "base":
        command.downgrade(config, "base")
    else:
        command.upgrade(config, revision)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "api"))
    raise SystemExit(main(sys.argv[1:]))
