"""Rate limits in the `limits` library's syntax ("100/minute"), read with the standard library.

`check_limit` applies the library's own grammar (the expressions of `limits.util`) and
`parse_limit` its units, so the settings and the per-instance limiter need no `limits` import
(`services.memory_window` says what that saves); the shared limiter hands the text to the
library. tests/backend/services/test_limits_syntax.py holds both to the library's verdict and
window on a corpus of strings.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# As in limits.util (5.x): one expression, and a list of them joined by , ; or |.
_SEPARATORS = r"[,;|]{1}"
_SINGLE = r"""
    \s*([0-9]+)
    \s*(/|\s*per\s*)
    \s*([0-9]+)?
    \s*([a-z]+)
    \s*
    """
# The granularities of limits.limits (singular or plural, any case), in seconds as the library counts them.
GRANULARITY_S = {"year": 12 * 30 * 86400, "month": 30 * 86400, "day": 86400, "hour": 3600, "minute": 60, "second": 1}
SYNTAX = 'must be a rate limit such as "100/minute" or "5 per 10 seconds"'
ONE = 'must be one rate limit such as "100/minute", not a list'


_ONE_LIMIT = re.compile(_SINGLE, re.IGNORECASE | re.VERBOSE)
_LIMIT_LIST = re.compile(rf"^{_SINGLE}(:?{_SEPARATORS}{_SINGLE})*$", re.IGNORECASE | re.VERBOSE)


def _count(value: str) -> int:
    """How many limits `value` holds; `ValueError` where `limits.parse_many` raises one."""
    # Without a separator the list expression is the single one, anchored.
    if not re.search(_SEPARATORS, value):
        _known(_ONE_LIMIT.fullmatch(value))
        return 1
    if not _LIMIT_LIST.match(value):
        raise ValueError(SYNTAX)
    matches = [match for part in re.split(_SEPARATORS, value) if (match := _ONE_LIMIT.match(part))]
    for match in matches:
        _known(match)
    return len(matches)


def _known(match: re.Match[str] | None) -> re.Match[str]:
    """`match` when it is one limit whose unit `limits` knows (singular or plural); `ValueError` otherwise."""
    if match is None or match.group(4).lower().removesuffix("s") not in GRANULARITY_S:
        raise ValueError(SYNTAX)
    return match


def check_limit(value: str) -> str:
    """The stripped `value` when it is exactly one limit; `ValueError` otherwise. No `limits` import."""
    value = value.strip()
    if _count(value) != 1:
        raise ValueError(ONE)
    return value


class Limit(NamedTuple):
    text: str  # as the setting wrote it, stripped: what the `limits` library parses for Redis
    amount: int
    window_s: int


@lru_cache(maxsize=64)
def parse_limit(value: str) -> Limit:
    """One limit such as "100/minute" or "5 per 10 seconds"; `ValueError` otherwise."""
    text = check_limit(value)
    amount, _, multiples, unit = _known(_ONE_LIMIT.fullmatch(text)).groups()
    # As the library: no multiple, or 0, means 1 ("5 per 0 seconds" is 5 per second).
    return Limit(text, int(amount), (int(multiples or 0) or 1) * GRANULARITY_S[unit.lower().removesuffix("s")])
