"""What a cold start imports: heavy packages stay out until the configuration needs them.

Measured with bench/cold_start.py and `python -X importtime`: redis-py is ~80 ms of a
~600 ms cold start on this machine, FastAPI's pydantic.v1 check ~30 ms, and the `limits` library
(with packaging, wrapt and deprecated) ~36 ms, although health and status are never rate limited.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.platforms.conftest import ROOT, health_event

PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import index
response = index.handler(json.loads(sys.argv[2]), None)
print(json.dumps({"status": response["statusCode"], "modules": sorted(sys.modules)}))
"""


def _modules_after_first_request() -> tuple[int, set[str]]:
    environ = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | {"AWS_LAMBDA_FUNCTION_NAME": "cold"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "api"), json.dumps(health_event())],
        capture_output=True, text=True, env=environ, timeout=120, check=True,
    )  # fmt: skip
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return data["status"], set(data["modules"])


# Packages a cold /api/health must not import, each with everything under it.
NOT_ON_THE_HEALTH_PATH = ("redis", "limits", "wrapt", "deprecated", "packaging", "pydantic.v1")


def _loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


def test_a_cold_start_without_redis_url_stays_lean() -> None:
    status, modules = _modules_after_first_request()
    assert status == 200
    assert "backend_app.main" in modules  # the backend did load
    # pydantic.v1: no route with a response model among health and status; limits: health is exempt.
    assert _loaded(modules, NOT_ON_THE_HEALTH_PATH) == []
