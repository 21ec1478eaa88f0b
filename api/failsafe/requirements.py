"""Read a requirements file the way the platforms install it: one `name[extras] spec ; marker` a line.

Standard library only: the fallback reads `api/requirements.txt` to name what is not installed
when the backend cannot load, and the pre-deploy check reads it before anything is installed.
Options and includes (`-r`, `--index-url`) and direct references (`name @ url`) are not pins: the
reader lists them as problems, with why, and leaves them out of the pins.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

# name[extras] (op version)? (; marker)?  -- the subset of PEP 508 a pin file needs.
_LINE = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[(?P<extras>[^\]]*)\])?\s*"
    r"(?P<spec>[<>=!~][^;]*)?(;(?P<marker>.*))?$"
)
# As pip reads comments: `#` at the start of a line or after white space.
_COMMENT = re.compile(r"(^|\s)#.*$")
# One `==` with a full version; `==1.*` is a range in disguise.
_EXACT = re.compile(r"==\s*[A-Za-z0-9.+!-]+")


def normalise(name: str) -> str:
    """PEP 503 name: `Pydantic_Settings` and `pydantic-settings` are one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


class Pin(NamedTuple):
    name: str
    extras: tuple[str, ...]
    spec: str
    line_no: int
    text: str

    @property
    def key(self) -> str:
        return normalise(self.name)

    @property
    def exact(self) -> bool:
        return _EXACT.fullmatch(self.spec.strip()) is not None


class PinFile(NamedTuple):
    path: Path
    pins: list[Pin]
    problems: list[str]  # lines this reader does not accept, with why


def read_pins(path: Path) -> PinFile:
    """The pins of a requirements file; raises OSError when it cannot be read."""
    pins: list[Pin] = []
    problems: list[str] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = _COMMENT.sub("", raw).strip()
        if not line:
            continue
        if line.startswith("-"):
            problems.append(f"line {number}: `{line}`: options and includes are not followed; pin packages here")
            continue
        match = _LINE.match(line)
        if match is None:
            problems.append(f"line {number}: `{line}` is not a `name==version` pin")
            continue
        extras = tuple(e.strip() for e in (match["extras"] or "").split(",") if e.strip())
        pins.append(Pin(match["name"], extras, (match["spec"] or "").strip(), number, line))
    return PinFile(path, pins, problems)


def requirement_names(path: Path) -> list[str]:
    """The distribution names pinned in a requirements file; none when it cannot be read."""
    try:
        return [pin.name for pin in read_pins(path).pins]
    except OSError:
        return []
