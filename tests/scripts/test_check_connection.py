"""scripts/check_connection.py against a real local server for each class it names."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.scripts.checker import SCRIPT, check
from tests.scripts.conftest import ALLOWED_ORIGIN
from tests.support.environment import development_environ
from tests.support.servers import serve
from tests.support.sockets import free_port, raw_listener
from tests.support.stubs import http_stub, self_signed_https
from tests.support.template import MISSING_PACKAGE, copy_project


def test_dns_failure_is_named() -> None:
    code, report, text = check("https://no-such-deployment.invalid")
    assert (code, report["class"]) == (3, "dns")
    assert "cannot resolve no-such-deployment.invalid" in text


def test_refused_port() -> None:
    code, report, text = check(f"http://127.0.0.1:{free_port()}")
    assert (code, report["class"]) == (4, "refused")
    assert "nothing listens there" in text


def test_listener_that_never_answers_times_out_within_the_bound() -> None:
    with raw_listener("silent") as port:
        started = time.monotonic()
        code, report, text = check(f"http://127.0.0.1:{port}", timeout=1.0)
        elapsed = time.monotonic() - started
    assert (code, report["class"]) == (5, "timeout")
    assert "connected, but no answer within 1s" in text
    assert report["latency_ms"]["connect_ms"] >= 0  # it did connect: the timeout is the answer's
    assert elapsed < 30  # two runs of a 1 s timeout; a hang would take forever


def test_https_handshake_against_a_silent_listener_times_out() -> None:
    with raw_listener("silent") as port:
        code, report, _ = check(f"https://127.0.0.1:{port}", timeout=1.0)
    assert (code, report["class"]) == (5, "timeout")
    assert "TLS handshake did not finish" in report["message"]


def test_connection_closed_without_a_response() -> None:
    with raw_listener("close") as port:
        code, report, text = check(f"http://127.0.0.1:{port}")
    assert (code, report["class"]) == (7, "closed")
    assert "empty reply" in text
    assert "127.0.0.1 behind a port forward" in report["hint"]


def test_https_url_against_a_plain_http_server_is_a_tls_error() -> None:
    with http_stub(200, {"status": "healthy"}) as port:
        code, report, text = check(f"https://127.0.0.1:{port}")
    assert (code, report["class"]) == (6, "tls")
    assert "TLS handshake failed" in text


def test_self_signed_certificate_is_a_tls_error(tmp_path: Path) -> None:
    with self_signed_https(tmp_path) as port:
        code, report, text = check(f"https://localhost:{port}")
    assert (code, report["class"]) == (6, "tls")
    assert "certificate not accepted" in text
    assert "self-signed" in report["message"] or "self signed" in report["message"]


def test_404_on_health_says_who_answered() -> None:
    with http_stub(404, "The page could not be found\n\nNOT_FOUND\n", {"x-vercel-error": "NOT_FOUND"}) as port:
        code, report, text = check(f"http://127.0.0.1:{port}")
    assert (code, report["class"]) == (8, "not_found")
    assert "/api/health answered 404" in text
    assert "vercel.json must rewrite /api/(.*) to /api/index" in report["hint"]


def test_api_gateway_missing_authentication_token_is_routing() -> None:
    body = {"message": "Missing Authentication Token"}
    with http_stub(403, body, {"x-amzn-errortype": "MissingAuthenticationTokenException"}) as port:
        code, report, _ = check(f"http://127.0.0.1:{port}/prod")
    assert (code, report["class"]) == (8, "not_found")
    assert report["url"].endswith("/prod/api/health")


def test_rest_api_url_without_its_stage_is_not_found_with_a_stage_hint() -> None:
    # What API Gateway REST answers for https://<id>.execute-api.<region>.amazonaws.com/api/health.
    headers = {"x-amzn-errortype": "ForbiddenException", "x-amzn-requestid": "0b5f1c2e-1111-2222-3333-444455556666"}
    with http_stub(403, {"message": "Forbidden"}, headers) as port:
        code, report, text = check(f"http://127.0.0.1:{port}")
    assert (code, report["class"]) == (8, "not_found")
    assert "add the stage to the URL" in report["hint"]
    assert "/api/health answered 403" in text


def test_a_403_from_elsewhere_stays_unexpected() -> None:
    with http_stub(403, {"message": "Forbidden"}) as port:
        code, report, _ = check(f"http://127.0.0.1:{port}")
    assert (code, report["class"]) == (14, "unexpected")


def test_5xx_without_a_diagnosis() -> None:
    headers = {"x-vercel-error": "FUNCTION_INVOCATION_FAILED"}
    with http_stub(500, "A server error has occurred\n\nFUNCTION_INVOCATION_FAILED\n", headers) as port:
        code, report, text = check(f"http://127.0.0.1:{port}")
    assert (code, report["class"]) == (10, "server_error")
    assert "Vercel reports FUNCTION_INVOCATION_FAILED" in text


def test_serving_the_lambda_entry_with_uvicorn_is_a_bare_500(tmp_path: Path) -> None:
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "api.index:handler", "--host", "127.0.0.1", "--port", str(port)]
    with serve(argv, port, env=development_environ(), cwd=copy_project(tmp_path), wait_for=None) as server:
        code, report, text = check(server.url)
    assert (code, report["class"]) == (10, "server_error")
    assert "/api/health answered 500: Internal Server Error" in text
    assert "serve `api.index:app` (`handler` is the Lambda entry)" in report["hint"]


def test_other_answers_are_unexpected() -> None:
    with http_stub(200, "<!doctype html><title>My SPA</title>") as port:
        code, report, text = check(f"http://127.0.0.1:{port}")
    assert (code, report["class"]) == (14, "unexpected")
    assert "a rewrite to index.html" in text


def test_degraded_services_are_named(degraded_url: str) -> None:
    code, report, text = check(degraded_url)
    assert (code, report["class"]) == (11, "degraded")
    assert sorted(s["name"] for s in report["services"]) == ["cache", "rate_limiter"]
    assert "service:  cache on memory (configured redis): Redis connection refused" in text


def test_healthy_template(healthy_url: str) -> None:
    code, report, text = check(healthy_url)
    assert (code, report["class"]) == (0, "ok")
    assert text.startswith("OK (exit 0): /api/health answered 200 healthy")
    assert "latency:" in text and "first byte" in text
    assert report["status"]["backend_loaded"] is True


def test_cors_allows_the_listed_origin(healthy_url: str) -> None:
    code, report, text = check(healthy_url, "--origin", ALLOWED_ORIGIN)
    assert (code, report["cors"]["allowed"]) == (0, True)
    assert f"cors:     {ALLOWED_ORIGIN} allowed" in text


def test_cors_refuses_another_origin(healthy_url: str) -> None:
    code, report, text = check(healthy_url, "--origin", "https://other.example.org")
    assert (code, report["class"]) == (12, "cors")
    assert "Access-Control-Allow-Origin is missing" in text
    assert "add https://other.example.org to CORS_ORIGINS" in report["hint"]


def test_broken_backend_prints_the_missing_module_and_the_hint(broken_url: str) -> None:
    code, report, text = check(broken_url)
    assert (code, report["class"]) == (9, "backend_failed")
    assert report["http_status"] == 503
    assert f"module:   {MISSING_PACKAGE}" in text
    assert f"hint:     add `{MISSING_PACKAGE.replace('_', '-')}` to api/requirements.txt and redeploy" in text


@pytest.mark.parametrize("suffix", ["/", "/api/health", "/api/status"])
def test_any_url_of_the_deployment_is_accepted(healthy_url: str, suffix: str) -> None:
    code, report, _ = check(healthy_url + suffix)
    assert code == 0
    assert report["url"] == healthy_url + "/api/health"


def test_usage_error_exits_2() -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "usage:" in proc.stderr
