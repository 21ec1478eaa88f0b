"""Login is limited per client address (the middleware) and per account (this module's check)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.auth.conftest import PASSWORD, SECRET
from tests.auth.events import Kind, Reply, event


@pytest.mark.parametrize("kind", ["http", "rest"])
def test_login_limits_per_account_and_per_address(kind: Kind, tmp_path: Any, load_entry: Any) -> None:
    database_url = f"sqlite:///{tmp_path}/limits.sqlite3"
    env = {"ENVIRONMENT": "production", "SECRET_KEY": SECRET, "REDIS_URL": "", "DATABASE_URL": database_url}
    entry = load_entry({**env, "RATE_LIMIT_AUTH": "3/minute"})

    def call(path: str, body: dict[str, str], ip: str) -> Reply:
        return Reply(entry.handler(event(kind, "POST", path, body=body, source_ip=ip), None))

    for i, email in enumerate(("ann@example.com", "bob@example.com")):
        assert call("/api/auth/register", {"email": email, "password": PASSWORD}, f"203.0.113.{20 + i}").status == 201

    # One account from many addresses: the fourth attempt in the window is refused before any hash.
    for i in range(3):
        assert (
            call("/api/auth/login", {"email": "ANN@example.com", "password": "guess " * 2}, f"203.0.113.{i}").status
            == 401
        )
    limited = call("/api/auth/login", {"email": "ann@example.com", "password": PASSWORD}, "203.0.113.4")
    assert (limited.status, limited.code) == (429, "rate_limited")
    assert int(limited.headers["retry-after"]) > 0
    # Another account is not affected.
    assert call("/api/auth/login", {"email": "bob@example.com", "password": PASSWORD}, "203.0.113.5").status == 200

    # One address trying many accounts: the per-address limit of the middleware.
    for i in range(3):
        call("/api/auth/login", {"email": f"nobody{i}@example.com", "password": "whatever1"}, "203.0.113.9")
    by_address = call("/api/auth/login", {"email": "someone@example.com", "password": "whatever1"}, "203.0.113.9")
    assert (by_address.status, by_address.code) == (429, "rate_limited")
