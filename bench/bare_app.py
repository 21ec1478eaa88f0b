"""The baseline: a bare FastAPI + Mangum hello-world with the same health route, nothing else.

`BENCH_MANGUM_LIFESPAN` picks Mangum's lifespan mode: "off" (the fair baseline) or "auto" (what
a default `Mangum(app)` does: start-up and shut-down around every invocation).
"""

from __future__ import annotations

import os
from typing import Literal, cast

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


# Unannotated, as in FastAPI's tutorial: a return annotation would make it a response model, and
# FastAPI 0.165 then imports pydantic.v1 (~33 ms here) to check it is not a v1 model.
@app.get("/api/health")
async def health():  # type: ignore[no-untyped-def]
    return {"status": "healthy", "backend_loaded": True}


handler = Mangum(app, lifespan=cast(Literal["auto", "on", "off"], os.environ.get("BENCH_MANGUM_LIFESPAN", "off")))
