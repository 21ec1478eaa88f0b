"""Rate limits in the `limits` library's syntax ("100/minute").

`check_limit` applies the library's own grammar (the expressions of `limits.util`) with the
standard library, so a setting error can say what is wrong; `parse_limit` gives the library's
item. tests/services/test_limits_syntax.py holds the two to the same verdict on a corpus of strings.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from limits import RateLimitItem, parse_many

# As in limits.util (5.x): one expression, and a list of them joined by , ; or |.
_SEPARATORS = r"[,;|]{1}"
_SINGLE = r"""
    \s*([0-9]+)
    \s*(/|\s*per\s*)
    \s*([0-9]+)?
    \s*([a-z]+)
    \s*
    """
# The granularities of limits.limits, singular or plural, any case.
GRANULARITIES = frozenset({"year", "month", "day", "hour", "minute", "second"})
SYNTAX = 'must be a rate limit such as "100/minute" or "5 per 10 seconds"'
ONE = 'must be one rate limit such as "100/minute", not a list'


@cache
def _single() -> re.Pattern[str]:
    return re.compile(_SINGLE, re.IGNORECASE | re.VERBOSE)


@cache
def _whole() -> re.Pattern[str]:
    return re.compile(rf"^{_SINGLE}(:?{_SEPARATORS}{_SINGLE})*$", re.IGNORECASE | re.VERBOSE)


def _count(value: str) -> int:
    """How many limits `value` holds; `ValueError` where `limits.parse_many` raises one."""
    # Without a separator the list expression is the single one, anchored: the usual value is
    # checked with one small pattern, compiled here (~0.8 ms) rather than at import, and the
    # list pattern (as much again) only for values that have a separator.
    if not re.search(_SEPARATORS, value):
        _granularity(_single().fullmatch(value))
        return 1
    if not _whole().match(value):
        raise ValueError(SYNTAX)
    matches = [match for part in re.split(_SEPARATORS, value) if (match := _single().match(part))]
    for match in matches:
        _granularity(match)
    return len(matches)


def _granularity(match: re.Match[str] | None) -> None:
    """`ValueError` unless `match` is one limit whose unit `limits` knows (singular or plural)."""
    if match is None or match.group(4).lower().removesuffix("s") not in GRANULARITIES:
        raise ValueError(SYNTAX)


def check_limit(value: str) -> str:
    """The stripped `value` when it is exactly one limit; `ValueError` otherwise. No `limits` import."""
    value = value.strip()
    if _count(value) != 1:
        raise ValueError(ONE)
    return value


@lru_cache(maxsize=64)
def parse_limit(value: str) -> RateLimitItem:
    """One limit such as "100/minute" or "5 per 10 seconds"; `ValueError` otherwise."""
    try:
        items = parse_many(value)
    except ValueError:
        raise ValueError(SYNTAX) from None
    if len(items) != 1:
        raise ValueError(ONE)
    return items[0]
