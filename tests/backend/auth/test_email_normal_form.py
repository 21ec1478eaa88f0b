"""`normalize_email` is idempotent for every input, and refuses what would break that as a 422, never a 500."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend_app.core.emails import EmailError, normalize_email
from tests.backend.conftest import PASSWORD
from tests.support.callers import make_caller

IDEOGRAPHIC_STOPS = ("\u3002", "\uff61", "\ufe12")
# Every code point, surrogates included (JSON can carry them), mixed with the characters that
# make an address so that many examples get past the shape check.
ANY_CHARACTER = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
PART = st.text(st.sampled_from("abcAB-"), min_size=1, max_size=6) | st.text(
    ANY_CHARACTER | st.sampled_from("abc.-"), max_size=12
)
ADDRESS = st.builds(
    lambda local, domain, tld, tail: f"{local}@{domain}.{tld}{tail}",
    PART,
    PART,
    PART,
    st.sampled_from(("", ".", *IDEOGRAPHIC_STOPS)) | st.text(ANY_CHARACTER, max_size=2),  # IDNA reads these as dots
)
BLANK_LOOKING = ("\u2800", "\u3164", "\u115f", "\u1160", "\uffa0")


@settings(max_examples=3000, deadline=None, derandomize=os.environ.get("CI") == "true")
@given(st.one_of(ADDRESS, st.text(ANY_CHARACTER, max_size=30)))
def test_the_stored_form_normalises_to_itself(email: str) -> None:
    try:
        stored = normalize_email(email)
    except EmailError:
        return
    assert normalize_email(stored) == stored


@pytest.mark.parametrize("stop", IDEOGRAPHIC_STOPS)
def test_an_ideographic_full_stop_after_the_domain_is_a_trailing_dot(stop: str) -> None:
    with pytest.raises(EmailError, match="dot"):
        normalize_email(f"dup@example.com{stop}")


@pytest.mark.parametrize("entry", ["asgi", "http"])
def test_odd_endings_and_blank_characters_are_422_on_register_and_login(entry: str, tmp_path: Path) -> None:
    caller = make_caller(entry, database_url=f"sqlite:///{tmp_path}/emails.sqlite3")
    refused = [f"dup@example.com{stop}" for stop in IDEOGRAPHIC_STOPS] + [f"dup{c}@example.com" for c in BLANK_LOOKING]
    for email in refused:
        body = json.dumps({"email": email, "password": PASSWORD}).encode()
        for path in ("/api/auth/register", "/api/auth/login"):
            reply = caller.request("POST", path, {"content-type": "application/json"}, body)
            assert (reply.status, reply.code) == (422, "validation_error"), (path, email)
