"""Find a Python of a given version (`3.12`) the way scripts/find_python.sh does: PATH, then pyenv."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def version_of(python: str) -> str | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def find_python(version: str) -> str | None:
    """Path of a working `python<version>`, or None. pyenv shims only answer for the selected version."""
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        # The interpreter behind a venv: tools such as uv skip venvs when they look for Pythons.
        return str(getattr(sys, "_base_executable", sys.executable))
    candidates = [shutil.which(f"python{version}")]
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    candidates += [
        str(p / "bin" / "python3") for p in sorted(Path(root, "versions").glob(f"{version}.*"), reverse=True)
    ]
    for candidate in candidates:
        if candidate and version_of(candidate) == version:
            return candidate
    return None
