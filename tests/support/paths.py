"""Where the project's parts are: its root, `api/` (the directory the platforms import from), the events."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
API = ROOT / "api"
# Real event payloads written by AWS projects (SOURCE.txt in each folder says where from).
EVENTS = ROOT / "tests" / "events"
