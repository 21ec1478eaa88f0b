"""What a client of the rate limiter sees: headers, the 429, the groups, fail-closed 503s."""

from __future__ import annotations

import pytest

from backend_app import create_app
from backend_app.deps import RateLimiterDep
from backend_app.services.ratelimit import RateLimitedError, RateLimiter, RateLimitUnavailableError
from tests.backend.services.conftest import gate_client, settings
from tests.support.sockets import free_port

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["memory", "redis"])
def backend_url(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("shared_redis") if request.param == "redis" else None


async def test_headers_then_429_in_the_envelope(backend_url: str | None, key_prefix: str) -> None:
    config = settings(redis_url=backend_url, redis_key_prefix=key_prefix, rate_limit_default="3/minute")
    async with gate_client(config) as client:
        answers = [await client.get("/api/unknown-path") for _ in range(4)]
        status = await client.get("/api/status")
    assert [r.status_code for r in answers] == [404, 404, 404, 429]
    assert [r.headers["x-ratelimit-remaining"] for r in answers] == ["2", "1", "0", "0"]
    assert all(r.headers["x-ratelimit-limit"] == "3" for r in answers)
    assert 1 <= int(answers[0].headers["x-ratelimit-reset"]) <= 60
    refused = answers[-1]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    error = refused.json()["error"]
    assert error["code"] == "rate_limited" and error["request_id"] == refused.headers["x-request-id"]
    assert "over 3/minute (RATE_LIMIT_DEFAULT)" in error["message"]
    assert error["details"] == {"setting": "RATE_LIMIT_DEFAULT", "limit": "3/minute"}
    assert status.json()["services"]["rate_limiter"]["backend"] == ("redis" if backend_url else "memory")


async def test_health_and_status_are_never_limited(key_prefix: str) -> None:
    async with gate_client(settings(redis_key_prefix=key_prefix, rate_limit_default="1/minute")) as client:
        codes = [(await client.get(path)).status_code for path in ["/api/health", "/api/status"] * 5]
        assert codes == [200] * 10
        assert (await client.get("/api/health")).headers.get("x-ratelimit-limit") is None
        assert [(await client.get("/api/x")).status_code for _ in range(2)] == [404, 429]


async def test_auth_paths_count_in_their_own_group(key_prefix: str) -> None:
    config = settings(redis_key_prefix=key_prefix, rate_limit_default="5/minute", rate_limit_auth="2/minute")
    async with gate_client(config) as client:
        auth = [(await client.post("/api/auth/no-such-route")).status_code for _ in range(3)]
        other = await client.get("/api/other")
    assert auth == [404, 404, 429]
    assert other.status_code == 404 and other.headers["x-ratelimit-remaining"] == "4"


async def test_fail_closed_group_answers_503_while_redis_is_down(key_prefix: str) -> None:
    config = settings(
        redis_url=f"redis://127.0.0.1:{free_port()}/0", redis_key_prefix=key_prefix, rate_limit_fail_closed="auth"
    )
    async with gate_client(config) as client:
        auth = await client.post("/api/auth/login")
        other = await client.get("/api/other")
    assert auth.status_code == 503 and auth.json()["error"]["code"] == "rate_limit_unavailable"
    assert auth.headers["retry-after"] == "30"  # the breaker window: Redis is not tried before
    assert other.status_code == 404  # the default group fails open, on memory


async def test_check_from_a_route_renders_429_with_its_headers(key_prefix: str) -> None:
    app = create_app(settings(redis_key_prefix=key_prefix, rate_limit_enabled=False))

    @app.post("/api/auth/token")
    async def token(limiter: RateLimiterDep) -> dict[str, int]:
        decision = await limiter.check("account", "2/minute", "user-42", "RATE_LIMIT_TEST")
        return {"remaining": decision.remaining}

    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        answers = [await client.post("/api/auth/token") for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert answers[1].json() == {"remaining": 0}
    assert answers[2].json()["error"]["code"] == "rate_limited"
    assert "(RATE_LIMIT_TEST)" in answers[2].json()["error"]["message"]
    assert answers[2].headers["x-ratelimit-limit"] == "2" and int(answers[2].headers["retry-after"]) >= 1


async def test_check_raises_the_documented_errors(key_prefix: str) -> None:
    limiter = RateLimiter(None, key_prefix)
    assert (await limiter.check("g", "1/minute", "k", "RATE_LIMIT_TEST")).remaining == 0
    with pytest.raises(RateLimitedError) as refused:
        await limiter.check("g", "1/minute", "k", "RATE_LIMIT_TEST")
    assert refused.value.status_code == 429 and refused.value.headers["Retry-After"]
    assert (await limiter.check("g", "1/minute", "other-key", "RATE_LIMIT_TEST")).allowed  # keys do not share buckets

    from pydantic import SecretStr

    from backend_app.services.redis_client import RedisConnector

    down = RedisConnector(SecretStr(f"redis://127.0.0.1:{free_port()}/0"), 0.2, 0.2, 30)
    closed = RateLimiter(down, key_prefix, fail_closed=["login"])
    with pytest.raises(RateLimitUnavailableError):
        await closed.check("login", "5/minute", "k", "RATE_LIMIT_TEST")
    assert (await closed.check("default", "5/minute", "k", "RATE_LIMIT_TEST")).backend == "memory"


async def test_free_looks_without_taking_and_take_answers_a_full_window(
    backend_url: str | None, key_prefix: str
) -> None:
    """What the login limit builds on, in memory and in Redis alike."""
    from pydantic import SecretStr

    from backend_app.services.redis_client import RedisConnector

    connector = RedisConnector(SecretStr(backend_url), 1.0, 1.0, 30) if backend_url else None
    limiter = RateLimiter(connector, key_prefix)
    mark = "1 per 3600 seconds"
    try:
        assert await limiter.free("g", mark, "k") and await limiter.free("g", mark, "k")
        assert (await limiter.take("g", mark, "k")).allowed
        assert not await limiter.free("g", mark, "k")
        full = await limiter.take("g", mark, "k")
        assert (full.allowed, full.remaining, full.backend) == (False, 0, "redis" if backend_url else "memory")
        assert await limiter.free("g", mark, "other-key")
    finally:
        if connector is not None:
            await connector.aclose()


async def test_the_auth_429_names_rate_limit_auth(key_prefix: str) -> None:
    config = settings(environment="production", redis_key_prefix=key_prefix, rate_limit_auth="2/minute")
    async with gate_client(config) as client:
        answers = [await client.post("/api/auth/login", json={}) for _ in range(3)]
    assert answers[-1].status_code == 429
    error = answers[-1].json()["error"]
    assert "over 2/minute (RATE_LIMIT_AUTH)" in error["message"]
    assert error["details"]["setting"] == "RATE_LIMIT_AUTH"


@pytest.mark.parametrize(
    ("environment", "given", "expected"),
    [("production", None, "10/minute"), ("development", None, "100/minute"), ("development", "5/minute", "5/minute")],
)
def test_development_leaves_room_to_explore_the_auth_routes(environment: str, given: str | None, expected: str) -> None:
    overrides = {"environment": environment} | ({"rate_limit_auth": given} if given else {})
    assert settings(**overrides).rate_limit_auth == expected
