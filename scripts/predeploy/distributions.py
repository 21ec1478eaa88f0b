"""Which installed distribution provides a module, and which pinned ones depend on another.

Read from the metadata of the Python running the check: run it from the project's venv, where the
pins are installed, for the full answer.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re

from failsafe.requirements import PinFile, normalise

# Import names that differ from their distribution's, for pins not installed where the check runs.
KNOWN_ALIASES = {
    "jose": "python-jose",
    "jwt": "pyjwt",
    "yaml": "pyyaml",
    "dotenv": "python-dotenv",
    "multipart": "python-multipart",
    "dateutil": "python-dateutil",
    "PIL": "pillow",
    "bs4": "beautifulsoup4",
    "psycopg2": "psycopg2-binary",
    "magic": "python-magic",
    "google": "protobuf",
}


def provided_modules(dist_key: str) -> set[str]:
    """Top-level modules an installed distribution provides (its name as a guess when not installed)."""
    guess = {dist_key.replace("-", "_")}
    try:
        dist = metadata.distribution(dist_key)
    except metadata.PackageNotFoundError:
        return guess
    top = (dist.read_text("top_level.txt") or "").split()
    files = {
        str(f).split("/")[0].removesuffix(".py") for f in dist.files or [] if "/" in str(f) or str(f).endswith(".py")
    }
    return guess | set(top) | {f for f in files if f.isidentifier()}


def is_installed(dist_key: str) -> bool:
    try:
        metadata.distribution(dist_key)
    except metadata.PackageNotFoundError:
        return False
    return True


def requirers(dist_key: str, pins: PinFile) -> list[str]:
    """Pinned distributions that (per installed metadata) depend on `dist_key`."""
    found = []
    for pin in pins.pins:
        try:
            requires = metadata.distribution(pin.key).requires or []
        except metadata.PackageNotFoundError:
            continue
        for req in requires:
            match = re.match(r"[A-Za-z0-9._-]+", req)
            if match and normalise(match.group()) == dist_key and "extra ==" not in req:
                found.append(pin.name)
    return found
