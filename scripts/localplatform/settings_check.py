"""Before serving: would the function's settings load with the variables it will see?

A deployed function sees only what the platform sets plus its configured variables, so the
emulator passes only `--env` and `--env-file` (with `--runtime inproc`, this shell too): a
`SECRET_KEY` exported in the shell does not reach it. Read in a child process with exactly
those variables, each invalid setting is named with the flag that sets it, before the first
request meets the fallback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scripts.localplatform import child

# Markers the platforms set that decide production; the rest of their variables do not matter here.
PLATFORM_MARKERS = {
    "vercel": {"VERCEL": "1", "VERCEL_ENV": "production"},
    "lambda": {"AWS_LAMBDA_FUNCTION_NAME": "local-function"},
}

CHECK = """
import json, sys
sys.path.insert(0, sys.argv[1])
from backend_app.core.config import SettingsError, load_settings
try:
    load_settings()
except SettingsError as exc:
    print(json.dumps({"variables": list(exc.variables), "message": str(exc)}))
"""


def invalid_settings(task_root: Path, env: dict[str, str]) -> tuple[list[str], str] | None:
    """(variables, message) when settings fail to load with `env`; None when they load or cannot be read."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHECK, str(task_root)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return None  # loads, or fails otherwise: the fallback's diagnosis says why
    found = json.loads(lines[-1])
    return [str(name) for name in found["variables"]], str(found["message"])


def function_environment(platform: str, runtime: str, env: dict[str, str], shell: dict[str, str]) -> dict[str, str]:
    """The variables that decide the function's settings, as the emulator will pass them."""
    seen = dict(shell) if platform == "lambda" and runtime == "inproc" else {}
    seen.update(child.inherited(shell))
    return {**seen, **PLATFORM_MARKERS[platform], **env}


def advice(variables: list[str], message: str, env_file: Path | None) -> str:
    """What to add to the command line, naming each variable."""
    flags = " ".join(f"--env {name}=..." for name in variables)
    where = f"a NAME=VALUE line in {env_file}" if env_file else "a NAME=VALUE line in a file passed with --env-file"
    return (
        f"emulate.py: the function's settings will not load: {message}\n"
        f"  It sees only the platform's variables, --env and --env-file (not this shell's exports).\n"
        f"  Add {flags} to this command, or {where}.\n"
        f"  For a generated key and an SQLite database, see docs/emulator.md (emulate.env).\n"
    )
