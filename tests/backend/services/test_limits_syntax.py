"""The settings' rate-limit check (standard library only) gives the verdict of the `limits` library.

`check_limit` and `parse_limit` read settings and limits without importing `limits`, which the
shared limiter then hands the same text to. A string one accepts and the other refuses would start
an app that fails on its first rate-limited request, or refuse a valid setting; a different window
would count differently in memory and in Redis.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from limits import parse_many

from backend_app.core.limits_syntax import check_limit, parse_limit

CORPUS = [
    "100/minute",
    "5 per 10 seconds",
    "1/second",
    "10/Minute",
    " 7 / hour ",
    "3 PER DAY",
    "2/month",
    "1/year",
    "5/2 minutes",
    "5 per 0 seconds",
    "0/minute",
    "1/seconds",
    "1/minutes",
    "1/s",
    "1/min",
    "1/sec",
    "lots/fortnight",
    "5/minute;100/hour",
    "5/minute,100/hour",
    "5/minute|1/second",
    "1/minute:,2/second",
    "",
    " ",
    "/minute",
    "5/",
    "5 minute",
    "5perminute",
    "5 per minute",
    "5 perminute",
    "5per minute",
    "-1/minute",
    "1.5/minute",
    "1/minutess",
    "1/weeks",
    "1/ day",
    "1 /day",
    "1/day;",
    ";1/day",
    "1/day extra",
    "\uff11/minute",
    "1/minute\n",
    "99999999999/hour",
]


def _library_verdict(value: str) -> bool:
    try:
        return len(parse_many(value.strip())) == 1
    except ValueError:
        return False


def _our_verdict(value: str) -> bool:
    try:
        check_limit(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("value", CORPUS)
def test_the_check_agrees_with_the_library(value: str) -> None:
    assert _our_verdict(value) == _library_verdict(value)


ALPHABET = st.sampled_from(
    [
        "1",
        "5",
        "0",
        "/",
        " ",
        "per",
        "PER",
        "second",
        "minutes",
        "Hour",
        "day",
        "s",
        ",",
        ";",
        "|",
        ":",
        "x",
        "week",
        "\t",
        "\n",
        ".",
        "\u017fecond",
    ]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(ALPHABET, max_size=8).map("".join))
def test_the_check_agrees_with_the_library_on_generated_strings(value: str) -> None:
    assert _our_verdict(value) == _library_verdict(value)


def test_an_accepted_value_parses_to_the_same_limit() -> None:
    limit = parse_limit(" 5 per 10 seconds ")
    assert (limit.text, limit.amount, limit.window_s) == ("5 per 10 seconds", 5, 10)
    with pytest.raises(ValueError, match="not a list"):
        check_limit("5/minute;100/hour")
    for value in CORPUS:
        if _library_verdict(value):
            item = parse_many(value.strip())[0]
            assert (parse_limit(value).amount, parse_limit(value).window_s) == (item.amount, item.get_expiry()), value
