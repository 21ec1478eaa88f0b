"""One parsing rule for every environment variable, shared by the settings and the fallback.

- An empty (or all-blank) value means the variable is unset.
- Lists are comma-separated; blanks around items and empty items are dropped.
- Booleans accept true/false, 1/0, yes/no, on/off in any case; anything else is an error that
  names the variable and never its value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class EnvError(ValueError):
    """A variable holds a value that does not parse; the message names the variable only."""

    def __init__(self, name: str, expected: str) -> None:
        self.variable = name
        super().__init__(f"{name} must be {expected}")


def get_str(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    raw = (os.environ if environ is None else environ).get(name)
    if raw is None or not raw.strip():
        return None
    return raw.strip()


def parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(name, "one of true/false, 1/0, yes/no, on/off")


def bool_or_none(value: object) -> object:
    """Pydantic before-validator: strings follow `parse_bool`; anything else passes through."""
    if isinstance(value, str):
        return parse_bool("value", value)
    return value


def get_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    raw = get_str(name, environ)
    return default if raw is None else parse_bool(name, raw)


def parse_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def get_list(name: str, environ: Mapping[str, str] | None = None) -> list[str]:
    raw = get_str(name, environ)
    return [] if raw is None else parse_list(raw)
