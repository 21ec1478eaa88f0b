"""Small helpers shared by the auth tests."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.paths import ROOT


def run_create_admin(
    email: str, password: str, env: dict[str, str], *, via: str = "stdin", flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env}
    stdin = password + "\n"
    if via == "env":
        full_env["ADMIN_PASSWORD"], stdin = password, ""
    command = [sys.executable, str(ROOT / "scripts" / "create_admin.py"), *flags, email]
    return subprocess.run(command, input=stdin, env=full_env, capture_output=True, text=True, timeout=120)
