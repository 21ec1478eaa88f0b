"""The stdlib fallback: CORS for a browser frontend, lifespan, redaction, hints."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from failsafe.diagnosis import diagnose, redact, secret_values
from failsafe.diagnostics_token import MAX_CLIENTS, MAX_WRONG, WINDOW_S, DiagnosticsToken
from failsafe.lambda_entry import LambdaEntry
from failsafe.loader import API_DIR, BackendGate
from scripts.localplatform.events import Format
from tests.support.events import lambda_event
from tests.support.lambda_context import lambda_context


def failing_factory() -> Any:
    import not_a_real_module_for_tests  # type: ignore[import-not-found]  # noqa: F401

    raise AssertionError("unreachable")


def broken_gate(**env: str) -> BackendGate:
    return BackendGate(factory=failing_factory, environ={"CORS_ORIGINS": "https://app.example", **env})


@pytest.mark.anyio
async def test_fallback_answers_cors_preflight_and_adds_cors_headers() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=broken_gate()), base_url="http://t") as client:
        preflight = await client.options(
            "/api/status", headers={"origin": "https://app.example", "access-control-request-method": "GET"}
        )
        status = await client.get("/api/status", headers={"origin": "https://app.example"})
        other = await client.get("/api/status", headers={"origin": "https://evil.example"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert status.status_code == 200 and status.headers["access-control-allow-origin"] == "https://app.example"
    assert status.json()["diagnosis"]["module"] == "not_a_real_module_for_tests"
    assert "access-control-allow-origin" not in other.headers


def test_fallback_cors_through_handler() -> None:
    entry = LambdaEntry(broken_gate())
    response = entry(
        lambda_event("http", "GET", "/api/health", headers={"origin": "https://app.example"}), lambda_context()
    )
    assert response["statusCode"] == 503
    assert response["headers"]["access-control-allow-origin"] == "https://app.example"


def test_fallback_answers_lifespan() -> None:
    gate = broken_gate()
    sent: list[dict[str, Any]] = []
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

    async def receive() -> dict[str, Any]:
        return next(messages)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(gate({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send))
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("connect to postgres://admin:s3cr3t-pass@db:5432/app failed", "s3cr3t-pass"),
        ("redis://:topsecretpw@cache:6379/0 refused", "topsecretpw"),
        ("bad config password=hunter2hunter2 here", "hunter2hunter2"),
        ("SECRET_KEY: 'abcdefabcdef' too short", "abcdefabcdef"),
        ("api_key=AKIA1234567890 rejected", "AKIA1234567890"),
    ],
)
def test_redaction(text: str, leak: str) -> None:
    assert leak not in redact(text, secrets=())


def test_redaction_of_secret_environment_values() -> None:
    assert "value-from-env-123" not in redact(
        "x value-from-env-123 y", secret_values({"MY_TOKEN": "value-from-env-123"})
    )
    assert "harmless-value" in redact("x harmless-value y", secret_values({"REGION": "harmless-value"}))


def test_diagnosis_of_an_error_json_has_no_traceback_by_default(tmp_path: Path) -> None:
    try:
        raise RuntimeError("token=abcdef0123456789 leaked?")
    except RuntimeError as exc:
        diagnosis = diagnose(exc, API_DIR)
    public = diagnosis.public(with_traceback=False)
    assert "traceback" not in public and "abcdef0123456789" not in json.dumps(public)
    assert "abcdef0123456789" not in diagnosis.traceback


LONG_TOKEN = "diagnostics-token-long-enough-0123456789"


@pytest.mark.anyio
async def test_a_diagnostics_token_under_32_characters_is_not_honoured_and_status_says_why(
    capfd: pytest.CaptureFixture[str],
) -> None:
    gate = broken_gate(ENVIRONMENT="production", DIAGNOSTICS_TOKEN="abc")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gate), base_url="http://t") as client:
        status = await client.get("/api/status", headers={"x-diagnostics-token": "abc"})
    assert "traceback" not in status.json()["diagnosis"]
    assert any("DIAGNOSTICS_TOKEN" in warning and "32" in warning for warning in status.json()["warnings"])
    logged = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    assert any(line["level"] == "WARNING" and "DIAGNOSTICS_TOKEN" in line["message"] for line in logged)
    assert not any("abc" in line["message"] for line in logged)


@pytest.mark.anyio
async def test_wrong_diagnostics_tokens_are_rate_limited_per_client_in_the_fallback() -> None:
    gate = broken_gate(ENVIRONMENT="production", DIAGNOSTICS_TOKEN=LONG_TOKEN)
    guesser = httpx.ASGITransport(app=gate, client=("203.0.113.7", 1234))
    owner = httpx.ASGITransport(app=gate, client=("198.51.100.1", 1234))
    async with httpx.AsyncClient(transport=guesser, base_url="http://t") as client:
        right = await client.get("/api/status", headers={"x-diagnostics-token": LONG_TOKEN})
        assert "traceback" in right.json()["diagnosis"]
        guesses = [
            await client.get("/api/status", headers={"x-diagnostics-token": f"guess-{n}"}) for n in range(MAX_WRONG + 2)
        ]
        after = await client.get("/api/status", headers={"x-diagnostics-token": LONG_TOKEN})
        plain = await client.get("/api/status")
    async with httpx.AsyncClient(transport=owner, base_url="http://t") as client:
        elsewhere = await client.get("/api/status", headers={"x-diagnostics-token": LONG_TOKEN})
    assert [g.status_code for g in guesses] == [200] * MAX_WRONG + [429, 429]
    limited = guesses[-1]
    assert limited.json()["error"]["code"] == "rate_limited" and int(limited.headers["retry-after"]) >= 1
    assert after.status_code == 429  # the guesser waits, even with the right token
    assert plain.status_code == 200 and "traceback" not in plain.json()["diagnosis"]  # no token: unaffected
    assert elsewhere.status_code == 200 and "traceback" in elsewhere.json()["diagnosis"]  # nobody else waits


@pytest.mark.parametrize("kind", ["http", "rest"])
def test_a_guesser_through_handler_locks_only_its_own_source_ip(kind: Format) -> None:
    handler = LambdaEntry(broken_gate(ENVIRONMENT="production", DIAGNOSTICS_TOKEN=LONG_TOKEN))

    def status(token: str, ip: str) -> int:
        event = lambda_event(kind, "GET", "/api/status", headers={"x-diagnostics-token": token}, source_ip=ip)
        return int(handler(event, lambda_context())["statusCode"])

    assert [status(f"guess-{n}", "203.0.113.7") for n in range(MAX_WRONG + 1)] == [200] * MAX_WRONG + [429]
    assert status(LONG_TOKEN, "203.0.113.7") == 429
    assert status(LONG_TOKEN, "198.51.100.1") == 200


def test_the_wrong_token_window_moves_on() -> None:
    now = [1000.0]
    token = DiagnosticsToken(LONG_TOKEN, clock=lambda: now[0])
    for n in range(MAX_WRONG):
        assert token.limited("a") is None and not token.matches(f"guess-{n}", "a")
    assert token.limited("a") == pytest.approx(WINDOW_S)
    assert token.limited("b") is None
    now[0] += WINDOW_S + 0.1
    assert token.limited("a") is None and token.matches(LONG_TOKEN, "a")


def test_remembered_clients_stay_bounded() -> None:
    now = [1000.0]
    token = DiagnosticsToken(LONG_TOKEN, clock=lambda: now[0])
    for n in range(MAX_CLIENTS + 5):
        token.matches("wrong", f"client-{n}")
    assert len(token._wrong) <= MAX_CLIENTS
