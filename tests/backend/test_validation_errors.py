"""A 422 stays small and cheap whatever the body: a few details, cut short, never the values sent."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from backend_app.core.errors import MAX_DETAILS, MAX_FIELD_CHARS
from tests.backend.conftest import SECRET
from tests.support.callers import make_caller
from tests.support.servers import instance

# About 1 MB: 111,000 keys none of the schemas know (the key is the value's own index in hex).
HOSTILE = json.dumps({f"{n:x}": 0 for n in range(111_000)}, separators=(",", ":")).encode()
BOUND_BYTES = 4096
CANARY = "canary-" + "v" * 300


def _bounded(status: int, body: bytes) -> dict[str, Any]:
    assert status == 422 and len(body) < BOUND_BYTES, (status, len(body))
    error: dict[str, Any] = json.loads(body)["error"]
    assert error["code"] == "validation_error" and len(error["details"]) <= MAX_DETAILS
    return error


def list_route(app: Any) -> None:
    @app.post("/api/numbers")
    async def numbers(values: list[int]) -> int:
        return len(values)


@pytest.mark.parametrize("entry", ["http", "rest"])
def test_an_object_of_unknown_keys_is_one_short_error_through_handler(entry: str) -> None:
    caller = make_caller(entry, {"MAX_BODY_BYTES": str(2 * len(HOSTILE))})
    reply = caller.request("POST", "/api/auth/register", {"content-type": "application/json"}, HOSTILE)
    error = _bounded(reply.status, reply.body)
    assert error["details"][0]["message"].startswith("Value error, 111000 unknown fields are not allowed")


def test_an_object_of_unknown_keys_is_one_short_error_under_uvicorn(tmp_path: Any) -> None:
    env = {"ENVIRONMENT": "production", "SECRET_KEY": SECRET, "DATABASE_URL": f"sqlite:///{tmp_path}/a.db"}
    with instance({**env, "REDIS_URL": "", "MAX_BODY_BYTES": str(2 * len(HOSTILE))}) as url:
        reply = httpx.post(url + "/api/auth/register", content=HOSTILE, headers={"content-type": "application/json"})
    _bounded(reply.status_code, reply.content)


@pytest.mark.parametrize("entry", ["asgi", "http"])
def test_many_errors_list_a_few_and_count_the_rest(entry: str) -> None:
    caller = make_caller(entry, extra=list_route)
    body = json.dumps([CANARY] * 1000).encode()
    reply = caller.request("POST", "/api/numbers", {"content-type": "application/json"}, body)
    error = _bounded(reply.status, reply.body)
    assert len(error["details"]) == MAX_DETAILS and error["details_omitted"] == 1000 - MAX_DETAILS
    assert b"canary" not in reply.body


def test_a_few_unknown_keys_are_named_as_pydantic_does() -> None:
    caller = make_caller("asgi")
    body = json.dumps({"email": "a@example.com", "password": "long enough", "role": "admin"}).encode()
    reply = caller.request("POST", "/api/auth/register", {"content-type": "application/json"}, body)
    assert _bounded(reply.status, reply.body)["details"] == [
        {"field": "body.role", "message": "Extra inputs are not permitted", "type": "extra_forbidden"}
    ]


def test_a_long_unknown_key_is_cut_short() -> None:
    caller = make_caller("asgi")
    body = json.dumps({"email": "a@example.com", "password": "long enough", CANARY: 1}).encode()
    reply = caller.request("POST", "/api/auth/register", {"content-type": "application/json"}, body)
    error = _bounded(reply.status, reply.body)
    assert all(len(detail["field"]) <= MAX_FIELD_CHARS for detail in error["details"])
    assert CANARY not in reply.text  # a prefix at most


def test_refusing_unknown_keys_costs_about_what_parsing_them_does() -> None:
    """Against the JSON parsing of the same body, in this process: 11-17x before the keys were
    refused in one check (an error object per key, built twice, then 10 MB of JSON), ~1.5x after."""
    caller = make_caller("asgi", {"MAX_BODY_BYTES": str(2 * len(HOSTILE))})
    headers = {"content-type": "application/json"}
    caller.request("POST", "/api/auth/register", headers, b"{}")  # routes built, loop started

    def best_of_three(run: Any) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        return min(times)

    request = best_of_three(lambda: caller.request("POST", "/api/auth/register", headers, HOSTILE))
    parse = best_of_three(lambda: json.loads(HOSTILE))
    assert request / parse < 5, f"validating took {request / parse:.1f}x the parse"
