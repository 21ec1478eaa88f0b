from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

DRIVER = Path(__file__).resolve().parent / "drive_entry.py"


def shadow_missing(dest: Path, *modules: str) -> Path:
    """A directory for the front of sys.path whose packages raise ModuleNotFoundError, as a missing one does.

    A dotted name shadows one part of a namespace package (`opentelemetry.sdk`), the rest stays.
    """
    shadow = dest / "shadow"
    for module in modules:
        package = shadow.joinpath(*module.split("."))
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(
            f"raise ModuleNotFoundError(\"No module named '{module}'\", name={module!r})\n"
        )
    return shadow


def drive(root: Path, env: dict[str, str], headers: dict[str, str] | None = None) -> tuple[dict[str, Any], str]:
    proc = subprocess.run(
        [sys.executable, str(DRIVER), str(root), json.dumps(headers or {})],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :]), proc.stderr
