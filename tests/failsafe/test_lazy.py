"""BACKEND_LOAD=lazy: nothing heavy at import, and the backend loads exactly once."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.environment import development_environ
from tests.support.paths import ROOT

SCRIPT = """
import json, sys
sys.path.insert(0, {root!r})
import api.index as entry
from tests.support.events import lambda_event as event
from tests.support.lambda_context import lambda_context as context
before = sorted(m for m in ("fastapi", "backend_app", "starlette", "pydantic", "mangum") if m in sys.modules)
statuses = [entry.handler(event("http", "GET", "/api/health"), context())["statusCode"] for _ in range(25)]
statuses += [entry.handler(event("rest", "GET", "/api/status"), context())["statusCode"] for _ in range(25)]
status = json.loads(entry.handler(event("http", "GET", "/api/status"), context())["body"])
print(json.dumps({{"before": before, "statuses": sorted(set(statuses)), "loads": entry.app.load_count,
                  "invocations": status["cold_start"]["invocations"], "lazy": entry.app.lazy}}))
"""


def run(**env: str) -> dict[str, object]:
    code = SCRIPT.format(root=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", code], env=development_environ(**env), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_lazy_import_loads_nothing_heavy_and_loads_once() -> None:
    result = run(BACKEND_LOAD="lazy")
    assert result["lazy"] is True
    assert result["before"] == []
    assert result["statuses"] == [200]
    assert result["loads"] == 1
    assert result["invocations"] == 51


def test_eager_import_loads_at_import() -> None:
    result = run()
    assert "backend_app" in result["before"] and "fastapi" in result["before"]
    assert result["loads"] == 1


def test_warm_up_ping_loads_a_lazy_backend() -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "import api.index as entry\n"
        "print(entry.handler({'warmer': True}, None), 'backend_app' in sys.modules)\n"
    )
    env = development_environ(BACKEND_LOAD="lazy")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "{'warmed': True, 'backend_loaded': True} True"


FROZEN = """
import gc, json, sys
sys.path.insert(0, {root!r})
from failsafe.loader import BackendGate
def broken():
    raise ModuleNotFoundError("No module named 'jose'", name="jose")
gate = BackendGate() if sys.argv[1] == "backend" else BackendGate(factory=broken)
young = gc.get_objects()  # what a full collection would walk (held: no id is reused)
loaded = gate.ensure_loaded()
walked = {{id(o) for o in gc.get_objects()}}
print(json.dumps({{"fallback": loaded.backend is None, "app_walked": id(loaded.app) in walked,
                  "frozen": gc.get_freeze_count(), "walked_before": len(young), "walked_after": len(walked),
                  "before_still_walked": sum(id(o) in walked for o in young)}}))
"""


def test_what_the_load_built_is_out_of_the_collectors_way() -> None:
    """A full collection under load paused a server for 27-40 ms walking the imported modules and
    the app (bench: a GC callback in uvicorn under bench/auth_login_load.py's logins); after the
    load they are frozen, for the backend and the fallback alike."""
    for which in ("backend", "fallback"):
        code = FROZEN.format(root=str(ROOT / "api"))
        proc = subprocess.run(
            [sys.executable, "-c", code, which],
            env=development_environ(BACKEND_LOAD="lazy"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        assert result["fallback"] is (which == "fallback")
        assert result["app_walked"] is False
        # Not `frozen >= walked_before`: a collection during the load untracks tuples and dicts holding
        # only atomic values (3.13 did, in a fresh clone), so they leave the count without being walked.
        assert result["frozen"] > 0 and result["before_still_walked"] == 0
        assert result["walked_after"] < result["walked_before"]


PAUSED = """
import gc, json, sys
sys.path.insert(0, {root!r})
from failsafe.loader import BackendGate
gate = BackendGate()
collections = []
gc.callbacks.append(lambda phase, info: collections.append(info["generation"]) if phase == "start" else None)
gate.ensure_loaded()
print(json.dumps({{"collections": collections, "enabled": gc.isenabled()}}))
"""


def test_the_collector_is_paused_during_the_load_and_running_after() -> None:
    """Everything the load allocates lives as long as the container: the ~140 collections it used to
    trigger (one of them full) walked it for nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", PAUSED.format(root=str(ROOT / "api"))],
        env=development_environ(BACKEND_LOAD="lazy"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"collections": [], "enabled": True}
