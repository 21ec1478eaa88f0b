"""Bring the PostgreSQL schema up to date: `DATABASE_URL=... .venv/bin/python scripts/migrate.py [revision]`.

Runs Alembic (a development dependency, never deployed) from a developer machine or CI and says
what it did: each migration it applied or undid, or that nothing was pending. The revision
defaults to `head`; `base` undoes everything.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="migrate.py",
        description="Apply the PostgreSQL migrations in migrations/versions to DATABASE_URL (postgres:// or "
        "postgresql://, sslmode as the app reads it). SQLite needs none: the app creates its schema itself.",
    )
    parser.add_argument(
        "revision", nargs="?", default="head", help="upgrade to this revision (default: head); `base` undoes all"
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    # migrations/env.py appends one line per migration step it runs (Alembic's on_version_apply).
    steps: list[str] = []
    config.attributes["applied"] = steps
    from backend_app.db.stored_emails import EmailCollisionError

    try:
        if args.revision == "base":
            command.downgrade(config, "base")
        else:
            command.upgrade(config, args.revision)
    except EmailCollisionError as exc:
        for step in steps:
            print(step)
        print(f"migration stopped: {exc}", file=sys.stderr)
        return 1
    for step in steps:
        print(step)
    if not steps:
        target = args.revision
        if target == "head":
            target = ScriptDirectory.from_config(config).get_current_head() or "base"
        print(f"nothing was pending: the database is already at {target}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "api"))
    raise SystemExit(main(sys.argv[1:]))
