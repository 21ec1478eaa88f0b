"""`scripts/emulate.py serve`: real HTTP requests through the emulated API Gateway, ALB, Function URL and Vercel."""

from __future__ import annotations

import base64
import http.client
import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.scripts.checker import check
from tests.support.servers import Server
from tests.support.template import (
    MISSING_PACKAGE,
    break_backend,
    copy_project,
    emulator,
    write_vercel_json,
)

ECHO = Path(__file__).with_name("echo_handler.py")


def send(
    server: Server, method: str, target: str, headers: list[tuple[str, str]] | None = None, body: bytes = b""
) -> tuple[int, list[tuple[str, str]], bytes]:
    """One request, repeated headers allowed; returns the status, the headers as a list and the body."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    conn.putrequest(method, target)
    for name, value in headers or []:
        conn.putheader(name, value)
    conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)
    response = conn.getresponse()
    result = response.status, response.getheaders(), response.read()
    conn.close()
    return result


def values(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in headers if k.lower() == name.lower()]


@pytest.fixture(scope="module")
def echo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("echo"))
    shutil.copy(ECHO, root / "api" / "echo.py")
    return root


@pytest.fixture(scope="module")
def rest(echo_root: Path) -> Iterator[Server]:
    with emulator(
        echo_root, "--platform", "lambda", "--format", "rest", "--stage", "prod", "--handler", "echo.handler"
    ) as server:
        yield server


def test_rest_event_has_the_stage_multi_values_and_cookies(rest: Server) -> None:
    headers = [("X-Multi", "one"), ("X-Multi", "two"), ("Cookie", "a=1; b=2")]
    status, sent, body = send(rest, "GET", "/prod/api/items?tag=x&tag=y&q=hello%20world", headers)
    event = json.loads(body)
    assert status == 200
    assert event["path"] == "/api/items"
    assert event["requestContext"]["path"] == "/prod/api/items"
    assert event["requestContext"]["stage"] == "prod"
    assert event["multiValueHeaders"]["X-Multi"] == ["one", "two"]
    assert event["multiValueQueryStringParameters"]["tag"] == ["x", "y"]
    assert event["queryStringParameters"]["q"] == "hello world"
    assert event["headers"]["Cookie"] == "a=1; b=2"
    assert values(sent, "set-cookie") == ["first=1; Path=/", "second=2; Path=/"]  # multiValueHeaders, both kept


def test_rest_outside_the_stage_is_forbidden_as_on_aws(rest: Server) -> None:
    status, headers, body = send(rest, "GET", "/api/items")
    assert (status, json.loads(body)) == (403, {"message": "Forbidden"})
    assert values(headers, "x-amzn-errortype") == ["ForbiddenException"]


def test_binary_bodies_travel_base64_both_ways(rest: Server) -> None:
    payload = bytes(range(256))
    status, _, body = send(rest, "POST", "/prod/upload", [("Content-Type", "application/octet-stream")], payload)
    event = json.loads(body)
    assert status == 200
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == payload
    status, headers, body = send(rest, "GET", "/prod/file?respond=binary")
    assert (status, body) == (200, payload)
    assert values(headers, "content-type") == ["application/octet-stream"]


def test_a_handler_that_raises_is_the_gateways_502(rest: Server) -> None:
    status, headers, body = send(rest, "GET", "/prod/x?respond=raise")
    assert (status, json.loads(body)) == (502, {"message": "Internal server error"})
    assert values(headers, "x-amzn-errortype") == ["InternalServerErrorException"]


def test_payloads_over_lambdas_6_mb_fail_as_on_aws(rest: Server) -> None:
    status, _, body = send(rest, "POST", "/prod/upload", [("Content-Type", "text/plain")], b"x" * 6_500_000)
    assert status == 413
    status, _, body = send(rest, "GET", "/prod/x?respond=big")
    assert (status, json.loads(body)) == (502, {"message": "Internal server error"})
    assert "Function.ResponseSizeTooLarge" in rest.log.read_text()


def test_http_api_named_stage_cookies_and_joined_values(echo_root: Path) -> None:
    with emulator(
        echo_root, "--platform", "lambda", "--format", "http", "--stage", "v1", "--handler", "echo.handler"
    ) as server:
        headers = [("X-Multi", "one"), ("X-Multi", "two"), ("Cookie", "a=1; b=2")]
        status, sent, body = send(server, "GET", "/v1/api/items?tag=x&tag=y", headers)
        missing, _, missing_body = send(server, "GET", "/api/items")
        failed, _, failed_body = send(server, "GET", "/v1/x?respond=raise")
    event = json.loads(body)
    assert status == 200
    assert event["rawPath"] == "/v1/api/items"
    assert event["requestContext"]["stage"] == "v1"
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["headers"]["x-multi"] == "one,two"
    assert event["queryStringParameters"]["tag"] == "x,y"
    assert values(sent, "set-cookie") == ["first=1; Path=/", "second=2; Path=/"]  # from the cookies list
    assert (missing, json.loads(missing_body)) == (404, {"message": "Not Found"})
    assert (failed, json.loads(failed_body)) == (500, {"message": "Internal Server Error"})


@pytest.mark.parametrize("fmt", ["alb", "url"])
def test_alb_and_function_url_serve_the_template(tmp_path: Path, fmt: str) -> None:
    with emulator(copy_project(tmp_path), "--platform", "lambda", "--format", fmt) as server:
        status, _, body = send(server, "GET", "/api/status")
    document = json.loads(body)
    assert status == 200
    assert (document["status"], document["platform"]) == ("healthy", "lambda")


@pytest.mark.parametrize(
    ("fmt", "prefix", "header"),
    [("rest", "/prod", "x-amzn-Remapped-WWW-Authenticate"), ("http", "", "WWW-Authenticate")],
)
def test_a_rest_api_renames_www_authenticate_as_api_gateway_does(
    tmp_path: Path, fmt: str, prefix: str, header: str
) -> None:
    with emulator(
        copy_project(tmp_path), "--platform", "lambda", "--format", fmt, "--stage", prefix[1:] or "$default"
    ) as server:
        status, headers, _ = send(server, "GET", f"{prefix}/api/users/me")
    assert status == 401
    assert {name.lower() for name, _ in headers} & {"www-authenticate", "x-amzn-remapped-www-authenticate"} == {
        header.lower()
    }
    assert values(headers, header) == ["Bearer"]


def test_ric_runtime_prints_lambda_report_lines(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    with emulator(root, "--platform", "lambda", "--format", "rest", "--runtime", "ric") as server:
        first = send(server, "GET", "/prod/api/health")
        second = send(server, "GET", "/prod/api/status")
        log = server.log.read_text()
    assert (first[0], json.loads(first[2])["status"]) == (200, "healthy")
    assert json.loads(second[2])["cold_start"]["invocations"] == 2  # one warm environment served both
    reports = [line for line in log.splitlines() if line.startswith("REPORT RequestId: ")]
    assert len(reports) == 2, log
    pattern = r"Duration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 512 MB\tMax Memory Used: \d+ MB"
    assert all(re.search(pattern, line) for line in reports), reports
    assert "Init Duration: " in reports[0]  # the cold start
    assert "Init Duration" not in reports[1]
    assert log.index("START RequestId: ") < log.index('"path": "/api/health"') < log.index("END RequestId: ")


def test_ric_runtime_with_a_broken_backend_answers_the_diagnosis(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    break_backend(root)
    with emulator(root, "--platform", "lambda", "--format", "http", "--runtime", "ric") as server:
        status, _, body = send(server, "GET", "/api/health")
    assert status == 503
    assert json.loads(body)["diagnosis"]["module"] == MISSING_PACKAGE


@pytest.fixture(scope="module")
def vercel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = copy_project(tmp_path_factory.mktemp("vercel"))
    write_vercel_json(root)
    with emulator(root, "--platform", "vercel", CORS_ORIGINS="https://app.example.com") as server:
        yield server


def test_vercel_serves_the_api_through_the_shim(vercel: Server) -> None:
    status, headers, body = send(vercel, "GET", "/api/status", [("Origin", "https://app.example.com")])
    document = json.loads(body)
    assert (status, document["platform"], document["environment"]) == (200, "vercel", "production")
    assert values(headers, "access-control-allow-origin") == ["https://app.example.com"]  # --env reached it
    request_id = values(headers, "x-vercel-id")
    assert request_id and values(headers, "x-request-id") == request_id  # the app uses Vercel's id
    assert not [k for k, _ in headers if k.lower().startswith("x-vercel-internal")]


def test_vercel_rejects_a_body_over_4_5_mb(vercel: Server) -> None:
    status, headers, _ = send(vercel, "POST", "/api/anything", [("Content-Type", "text/plain")], b"x" * 4_600_000)
    assert status == 413
    assert values(headers, "x-vercel-error") == ["FUNCTION_PAYLOAD_TOO_LARGE"]


def test_vercel_serves_public_with_vercel_json_headers(vercel: Server) -> None:
    status, headers, body = send(vercel, "GET", "/")
    assert status == 200
    assert b"<title>API status</title>" in body
    assert values(headers, "content-security-policy")  # from the copy's vercel.json
    assert values(headers, "content-type") == ["text/html; charset=utf-8"]


def test_vercel_404_outside_public_and_rewrites_is_the_platforms(vercel: Server) -> None:
    status, headers, body = send(vercel, "GET", "/nothing-here")
    assert status == 404
    assert values(headers, "x-vercel-error") == ["NOT_FOUND"]
    assert body == b"The page could not be found\n\nNOT_FOUND\n"


def test_vercel_without_the_rewrite_is_404_on_every_route_but_the_functions_own(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    write_vercel_json(root, rewrites=False)
    with emulator(root, "--platform", "vercel") as server:
        health = send(server, "GET", "/api/health")
        own = send(server, "GET", "/api/index")
        code, report, _ = check(server.url)
    assert health[0] == 404 and values(health[1], "x-vercel-error") == ["NOT_FOUND"]
    assert own[0] == 404 and json.loads(own[2])["error"]["code"] == "not_found"  # the app answered this one
    assert (code, report["class"]) == (8, "not_found")
    assert "vercel.json must rewrite /api/(.*) to /api/index" in report["hint"]


def test_vercel_broken_backend_answers_the_diagnosis(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    write_vercel_json(root)
    break_backend(root)
    with emulator(root, "--platform", "vercel") as server:
        status, _, body = send(server, "GET", "/api/health")
        log = server.log.read_text()
    diagnosis = json.loads(body)["diagnosis"]
    assert status == 503
    assert diagnosis["hint"] == f"add `{MISSING_PACKAGE.replace('_', '-')}` to api/requirements.txt and redeploy"
    assert '"event": "backend_load_failed"' in log or "backend failed to load" in log  # the function's log shows


def test_ric_runtime_whose_handler_cannot_import_reports_init_and_502(tmp_path: Path) -> None:
    # What the failsafe loader prevents: an entry module that itself fails to import.
    root = copy_project(tmp_path)
    (root / "api" / "index.py").write_text(f"import {MISSING_PACKAGE}\n")
    with emulator(root, "--platform", "lambda", "--format", "rest", "--runtime", "ric") as server:
        status, _, body = send(server, "GET", "/prod/api/health")
        log = server.log.read_text()
    assert (status, json.loads(body)) == (502, {"message": "Internal server error"})
    assert "INIT_REPORT Init Duration: " in log and "Status: error" in log
    assert "Runtime.ImportModuleError" in log


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid`. Read from each process's own status: a thread's `children`
    file misses a child whose forking thread (a request thread of the server) has already ended."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue  # a process that ended meanwhile
        ppid = next((line.split()[1] for line in status.splitlines() if line.startswith("PPid:")), None)
        if ppid == str(pid):
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("platform", [["--platform", "vercel"], ["--platform", "lambda", "--runtime", "ric"]])
def test_stopping_the_server_stops_the_functions_process(tmp_path: Path, platform: list[str]) -> None:
    root = copy_project(tmp_path)
    write_vercel_json(root)
    with emulator(root, *platform) as server:
        assert send(server, "GET", "/api/health")[0] == 200
        function = children(server.pid)
        assert function, "the function runs in a child process"
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in function) and time.monotonic() < deadline:
        time.sleep(0.1)  # waiting for the processes to exit, not asserting on time
    assert not [pid for pid in function if Path(f"/proc/{pid}").exists()], "orphaned function process"
