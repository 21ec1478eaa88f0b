"""A reader for `api/requirements.txt`: one exact pin per line, what the platforms install."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# name[extras] (op version)? (; marker)?  -- the subset of PEP 508 a pin file needs.
_LINE = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[(?P<extras>[^\]]*)\])?\s*"
    r"(?P<spec>[<>=!~][^;]*)?(;(?P<marker>.*))?$"
)


def normalise(name: str) -> str:
    """PEP 503 name: `Pydantic_Settings` and `pydantic-settings` are one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Pin:
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
        # One `==` with a full version; `==1.*` is a range in disguise.
        return bool(re.fullmatch(r"==\s*[A-Za-z0-9.+!-]+", self.spec.strip()))


@dataclass(frozen=True)
class PinFile:
    path: Path
    pins: list[Pin]
    problems: list[str]  # lines this reader does not accept, with why


def read_pins(path: Path) -> PinFile:
    pins: list[Pin] = []
    problems: list[str] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
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
