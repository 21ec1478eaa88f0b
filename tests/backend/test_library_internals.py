"""What `backend_app.core.library_internals` relies on in FastAPI and anyio is still there, and does its job.

When one of these fails after an upgrade, the template still works (each step does nothing when
what it needs moved), only slower or with work left to the first request: adapt the module.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

from fastapi import APIRouter, FastAPI, applications
from fastapi.routing import APIRoute

from backend_app.core import library_internals
from failsafe.loader import BackendGate
from tests.support.environment import development_environ
from tests.support.paths import API


class BrokenRoute(APIRoute):
    """A route whose handler cannot be built: what an error in FastAPI's route analysis looks like."""

    def get_route_handler(self) -> object:  # type: ignore[override]
        raise RuntimeError("route analysis failed")


def broken_app() -> FastAPI:
    router = APIRouter(route_class=BrokenRoute)
    router.add_api_route("/api/broken", lambda: None)
    app = FastAPI()
    app.include_router(router)
    library_internals.build_routes(app)
    return app


def test_every_step_finds_what_it_relies_on() -> None:
    assert library_internals.skip_pydantic_v1_probe() is True
    assert library_internals.import_request_machinery() == []
    # FastAPI's lifespan still imports the module imported with the load.
    assert library_internals.TELEMETRY_RUNTIME in inspect.getsource(applications.FastAPI.__call__)


def test_an_included_routers_routes_are_built_by_the_load() -> None:
    router = APIRouter(prefix="/api")
    router.add_api_route("/one", lambda: None)
    router.add_api_route("/two", lambda: None)
    app = FastAPI()
    app.include_router(router)
    assert library_internals.build_routes(app) == 1
    assert app.middleware_stack is not None


def test_an_error_in_route_analysis_is_the_loads_diagnosis() -> None:
    gate = BackendGate(factory=broken_app, environ={"ENVIRONMENT": "development"})
    loaded = gate.ensure_loaded()
    assert loaded.backend is None
    assert loaded.diagnosis is not None and "route analysis failed" in loaded.diagnosis.message


PROBE = """
import json, sys, warnings
sys.path.insert(0, {api!r})
from backend_app.main import create_app
from fastapi import FastAPI
app = create_app()
out = {{"v1_after_load": "pydantic.v1" in sys.modules}}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from pydantic import v1
class Old(v1.BaseModel):
    name: str
try:
    FastAPI().get("/old", response_model=Old)(lambda: None)
    out["v1_refused"] = False
except Exception as exc:
    out["v1_refused"] = "no longer supported" in str(exc)
print(json.dumps(out))
"""


def test_the_backend_loads_without_pydantic_v1_yet_v1_models_are_still_refused() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(api=str(API))],
        env=development_environ(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"v1_after_load": False, "v1_refused": True}
