"""Rate limits in the `limits` library's syntax ("100/minute"), parsed once and cached."""

from __future__ import annotations

from functools import lru_cache

from limits import RateLimitItem, parse_many


@lru_cache(maxsize=64)
def parse_limit(value: str) -> RateLimitItem:
    """One limit such as "100/minute" or "5 per 10 seconds"; `ValueError` otherwise."""
    try:
        items = parse_many(value)
    except ValueError:
        raise ValueError('must be a rate limit such as "100/minute" or "5 per 10 seconds"') from None
    if len(items) != 1:
        raise ValueError('must be one rate limit such as "100/minute", not a list')
    return items[0]


def check_limit(value: str) -> str:
    parse_limit(value.strip())
    return value.strip()
