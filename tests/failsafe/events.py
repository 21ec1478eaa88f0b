"""Events and a context for tests; the event builder is the one `scripts/emulate.py` uses."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

# Importable from subprocesses too (drive_entry.py runs with only this folder on the path).
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from scripts.localplatform.events import Format, build_event  # noqa: E402


def make_event(
    fmt: Format,
    path: str,
    method: str = "GET",
    *,
    headers: dict[str, str] | None = None,
    body: str | bytes | None = None,
    stage: str | None = None,
) -> dict[str, Any]:
    """An event as the platform sends it (bytes bodies travel base64-encoded)."""
    pairs = [("host", "api.example.com"), *(headers or {}).items()]
    return build_event(fmt, method, path, headers=pairs, body=body, base64_body=isinstance(body, bytes), stage=stage)


class FakeContext:
    """Stands in for Lambda's context object (AWS itself cannot run here)."""

    def __init__(self, request_id: str = "11111111-2222-3333-4444-555555555555") -> None:
        self.aws_request_id = request_id
        self.function_name = "template"
        self.memory_limit_in_mb = 512

    def get_remaining_time_in_millis(self) -> int:
        return 30_000
