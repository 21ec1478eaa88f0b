"""SnapStart's hooks, run as Lambda's runtime runs them: the snapshot holds the loaded backend with a
collected, frozen heap; a restore refreshes the clock and `random`; without SnapStart nothing registers.

SnapStart itself cannot run here; its parts can: the hooks register with the real
`snapshot_restore_py` and run through awslambdaric's own runner (`lambda_runtime_hooks_runner`,
what its bootstrap calls at the end of a snap-start init and after a restore).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.environment import development_environ
from tests.support.paths import API, ROOT

# Shadows the runtime's module, as on a platform without it.
ABSENT = 'raise ImportError("No module named snapshot_restore_py", name="snapshot_restore_py")\n'

SCRIPT = """
import gc, json, random, sys, time, weakref
sys.path[:0] = [{root!r}, {api!r}]
import index
from failsafe.status import RUNTIME
from tests.support.events import lambda_event
from tests.support.lambda_context import lambda_context
try:
    import snapshot_restore_py
    from awslambdaric import lambda_runtime_hooks_runner as runner
    registered = len(snapshot_restore_py.get_before_snapshot()) + len(snapshot_restore_py.get_after_restore())
except ImportError:
    registered = False
out = {{"registered": registered}}
if registered:
    out["loaded_before_snapshot"] = "backend_app" in sys.modules
    class Node: pass
    node = Node(); node.self = node; garbage = weakref.ref(node); del node  # a cycle the load left
    runner.run_before_snapshot()
    out["loaded_after_snapshot"] = index.app.loaded is not None and index.app.loaded.backend is not None
    out["garbage_collected"] = garbage() is None
    out["frozen"] = gc.get_freeze_count()
    started, state = RUNTIME.started_at, random.getstate()
    time.sleep(0.01)
    runner.run_after_restore()
    out["clock_fresh"] = RUNTIME.started_at > started
    out["random_fresh"] = random.getstate() != state
reply = index.handler(lambda_event("http", "GET", "/api/health"), lambda_context())
out["health"] = reply["statusCode"]
print(json.dumps(out))
"""


def run(tmp_path: Path, *, runtime_module: bool, **env: str) -> dict[str, Any]:
    if not runtime_module:
        (tmp_path / "snapshot_restore_py.py").write_text(ABSENT, encoding="utf-8")
    environ = development_environ(BACKEND_LOAD="lazy", AWS_LAMBDA_FUNCTION_NAME="snap", **env)
    environ["PYTHONPATH"] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(root=str(ROOT), api=str(API))],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_a_snapshot_holds_the_loaded_backend_collected_and_frozen_and_a_restore_refreshes(tmp_path: Path) -> None:
    result = run(tmp_path, runtime_module=True, AWS_LAMBDA_INITIALIZATION_TYPE="snap-start")
    assert result["registered"] == 2
    assert result["loaded_before_snapshot"] is False  # BACKEND_LOAD=lazy: the hook loads it
    assert result["loaded_after_snapshot"] is True
    assert result["garbage_collected"] is True and result["frozen"] > 0
    assert result["clock_fresh"] is True and result["random_fresh"] is True
    assert result["health"] == 200


def test_without_snapstart_no_hook_is_registered(tmp_path: Path) -> None:
    result = run(tmp_path, runtime_module=True, AWS_LAMBDA_INITIALIZATION_TYPE="on-demand")
    assert result == {"registered": 0, "health": 200}


def test_a_snapstart_init_without_the_runtimes_module_still_serves(tmp_path: Path) -> None:
    result = run(tmp_path, runtime_module=False, AWS_LAMBDA_INITIALIZATION_TYPE="snap-start")
    assert result == {"registered": False, "health": 200}
