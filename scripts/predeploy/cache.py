"""An opt-in cache for what the slow checks build from the pins alone, keyed by content.

With `PREDEPLOY_CACHE_DIR` set, the installed and compiled wheels of a target (the `bundle` check,
scripts/package_lambda.py, `sam build`) and the `install` check's venv are built once for each
distinct api/requirements.txt, target and Python, then reused read-only. Unset (the default),
every run installs afresh: a deploy-time check should see what the index serves today. The test
suite sets it to a folder of its own for one run, so that its many builds of the same pins install
each target once.

Safe for concurrent runs: an entry is built under an exclusive lock on `<key>.lock` and counts only
once `<key>.done` exists (it holds the build's note, e.g. why bytecode is missing).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

ENV = "PREDEPLOY_CACHE_DIR"


def cache_root() -> Path | None:
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


def cache_key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:32]


def done_marker(entry: Path) -> Path:
    """The file whose presence says `entry` was built whole (it holds the build's note)."""
    return entry.with_name(f"{entry.name}.done")


def cached(root: Path, key: str, build: Callable[[Path], str | None]) -> tuple[Path, str | None]:
    """The folder `build(folder)` made for `key` (built now if no finished one exists) and its note.

    `build` raises when it fails: nothing is kept then, and the next caller tries again.
    """
    root.mkdir(parents=True, exist_ok=True)
    entry = root / key
    done = done_marker(entry)
    with (root / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.is_file():
            shutil.rmtree(entry, ignore_errors=True)  # a build that died half-way
            entry.mkdir()
            try:
                note = build(entry)
            except BaseException:
                shutil.rmtree(entry, ignore_errors=True)
                raise
            done.write_text(note or "", encoding="utf-8")
        note = done.read_text(encoding="utf-8")
    return entry, note or None
