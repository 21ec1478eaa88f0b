"""Shared fixtures. `api/` is importable the way the platforms import it (see api/index.py)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "api"
# Real event payloads written by AWS projects (copied from the shared fixtures; SOURCE.txt says where from).
EVENTS = ROOT / "tests" / "events"
for entry in (str(ROOT), str(API)):
    if entry not in sys.path:
        sys.path.insert(0, entry)
