"""The deadline on AWS's real Lambda runtime client (awslambdaric): the invocation's own deadline
(Lambda-Runtime-Deadline-Ms, the function timeout) shortens REQUEST_TIMEOUT_S, so a slow request
ends in the template's 504 before Lambda would kill the sandbox."""

from __future__ import annotations

import json
import time
from pathlib import Path

from scripts.localplatform import events
from scripts.localplatform.ric import RicProcess
from tests.support.template import copy_project

# Lambda is production: the auth routes refuse to start without a signing key.
SECRET_KEY = "hardening-test-secret-key-0123456789abcdef"
SLOW_ROUTE = """

@router.get("/slow", include_in_schema=False)
async def slow() -> dict[str, bool]:
    import asyncio

    await asyncio.sleep(30)
    return {"finished": True}
"""


def test_function_timeout_shorter_than_the_setting_still_ends_in_a_504(tmp_path: Path) -> None:
    copy_project(tmp_path, public=False)
    health = tmp_path / "api" / "backend_app" / "routes" / "health.py"
    health.write_text(health.read_text(encoding="utf-8") + SLOW_ROUTE, encoding="utf-8")
    with RicProcess(tmp_path / "api", env={"REQUEST_TIMEOUT_S": "25", "SECRET_KEY": SECRET_KEY}) as runtime:
        runtime.wait_initialized()
        assert runtime.invoke(events.build_event("http", "GET", "/api/health"))["statusCode"] == 200
        started = time.monotonic()
        response = runtime.invoke(events.build_event("http", "GET", "/api/slow"), timeout_s=2.0)
        elapsed = time.monotonic() - started
        output = runtime.output()
    assert response["statusCode"] == 504, response
    error = json.loads(response["body"])["error"]
    assert error["code"] == "timeout" and error["request_id"]
    assert elapsed < 2.0  # inside the 2 s function timeout, not at it
    assert response["headers"]["x-content-type-options"] == "nosniff"
    assert any("request cut off" in line and error["request_id"] in line for line in output.splitlines())
