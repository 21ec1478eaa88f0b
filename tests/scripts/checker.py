"""Run scripts/check_connection.py as a user would: as a program, in JSON and in text."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.support.paths import ROOT

SCRIPT = ROOT / "scripts" / "check_connection.py"


def check(url: str, *args: str, timeout: float = 5.0) -> tuple[int, dict[str, Any], str]:
    """Run the script as a user would (JSON and text), returning exit code, report and text."""
    argv = [sys.executable, str(SCRIPT), url, "--timeout", str(timeout), *args]
    machine = subprocess.run([*argv, "--json"], capture_output=True, text=True, timeout=120)
    human = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    report = json.loads(machine.stdout)
    assert machine.returncode == human.returncode == report["exit_code"], (machine.stderr, human.stderr)
    return machine.returncode, report, human.stdout
