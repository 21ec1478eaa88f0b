"""Two app instances in two processes share one database: a logout in one is refused in the other.

Revocation lives in the database, so it holds whether or not a Redis is configured (Redis may
only ever speed a check up).
"""

from __future__ import annotations

import os
import secrets

import httpx
import pytest

from tests.backend.conftest import PASSWORD, RELAXED_LIMIT, SECRET
from tests.support.servers import instance, redis_problem
from tests.support.unavailable import unavailable


@pytest.mark.slow
@pytest.mark.parametrize("redis", ["without-redis", "with-redis"])
def test_logout_in_one_instance_is_refused_in_the_other(redis: str, database_url: str) -> None:
    env = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "RATE_LIMIT_AUTH": RELAXED_LIMIT,
        "RATE_LIMIT_ACCOUNT": RELAXED_LIMIT,
        "REDIS_KEY_PREFIX": f"auth-test-{os.getpid()}-{secrets.token_hex(3)}",
    }
    if redis == "with-redis":
        problem = redis_problem()
        if problem:
            unavailable(problem)
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    with instance(env) as a, instance(env) as b:
        created = httpx.post(a + "/api/auth/register", json={"email": "two@example.com", "password": PASSWORD})
        assert created.status_code == 201, created.text
        tokens = httpx.post(b + "/api/auth/login", json={"email": "two@example.com", "password": PASSWORD}).json()
        auth = {"authorization": f"Bearer {tokens['access_token']}"}
        assert httpx.get(a + "/api/users/me", headers=auth).status_code == 200
        assert httpx.get(b + "/api/users/me", headers=auth).status_code == 200
        assert httpx.post(a + "/api/auth/logout", headers=auth).status_code == 204
        refused = httpx.get(b + "/api/users/me", headers=auth)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_token"
        again = httpx.post(b + "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert again.status_code == 401
