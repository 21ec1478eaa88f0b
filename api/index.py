"""Entry point for Vercel (ASGI `app`) and AWS Lambda (`handler`).

This file must never fail to import: it uses the standard library and the `failsafe` loader
only. The backend is loaded behind the loader; when that fails, the same two names serve a
fallback app that answers /api/health and /api/status with a diagnosis.

The gate reads failsafe's options once (the platform among them). The Lambda entry is built
before the load so that, off Vercel, its Mangum import is part of the same guarded step.
Vercel finds the app by reading top-level statements, so the exports stay plain assignments at
the end of the module.
"""

import os
import sys

# `backend_app` and `failsafe` import as top-level packages however this file is loaded:
# as `api.index` by Vercel (cwd = project root), as `index` by Lambda (task root = api/).
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from failsafe.lambda_entry import LambdaEntry  # noqa: E402
from failsafe.loader import BackendGate  # noqa: E402

_gate = BackendGate()
_entry = LambdaEntry(_gate)
if not _gate.lazy:
    _gate.ensure_loaded()

app = _gate
handler = _entry
