"""Lambda SnapStart: snapshot the loaded backend with its heap collected and frozen; refresh what a restore copies.

With SnapStart on (template.yaml's `EnableSnapStart`), Lambda runs the init phase (the guarded
load) once per published version, snapshots the process, and starts every instance from a copy.
Lambda's Python runtime ships `snapshot_restore_py` (so does awslambdaric, which depends on it) to
register hooks around that; the template does not deploy it, and Vercel has none. So it is
imported only when Lambda says this init is a snapshot's (`AWS_LAMBDA_INITIALIZATION_TYPE=snap-start`),
and its absence leaves everything as without SnapStart (a WARNING says so).

Before the snapshot: the backend is loaded (a lazy one too), then the load's garbage is collected
and everything left frozen, so no instance restored from the snapshot pays for a collection
walking the load (the cold start itself pauses the collector instead: collecting costs ~29 M
instructions there, and the snapshot pays it once).

After a restore, what the copy shares with every other instance or took from the snapshot's
clock is made fresh: `random`'s state (every copy would draw the same numbers; tokens and ids use
`secrets`/`os.urandom`, which the kernel reseeds) and the process's start time in /api/status.
No connection exists to refresh: the init phase opens none (the database and Redis connect on
first use, and reconnect after 60 s idle by the wall clock, which a restore moves forward).
"""

from __future__ import annotations

import gc
import importlib
import os
import random
from collections.abc import Mapping
from typing import Protocol

from failsafe.logs import get_logger
from failsafe.status import RUNTIME

HOOKS_MODULE = "snapshot_restore_py"
log = get_logger("snapstart")


class Loadable(Protocol):
    def ensure_loaded(self) -> object: ...


class SnapshotHooks:
    def __init__(self, gate: Loadable) -> None:
        self.gate = gate

    def before_snapshot(self) -> None:
        self.gate.ensure_loaded()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        log.debug("snapshot: backend loaded, heap collected and frozen")

    def after_restore(self) -> None:
        random.seed()
        RUNTIME.restarted()
        log.debug("restored from a snapshot")


def snapshot_init(environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    return environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start"


def register(gate: Loadable, environ: Mapping[str, str] | None = None) -> SnapshotHooks | None:
    """Register the hooks with Lambda's runtime when this init is a SnapStart snapshot's; the hooks, or None."""
    if not snapshot_init(environ):
        return None
    try:
        runtime = importlib.import_module(HOOKS_MODULE)
    except ImportError:
        log.warning("SnapStart init without %s: the snapshot is taken without its hooks", HOOKS_MODULE)
        return None
    hooks = SnapshotHooks(gate)
    runtime.register_before_snapshot(hooks.before_snapshot)
    runtime.register_after_restore(hooks.after_restore)
    return hooks
