"""The cold-start baseline: a bare FastAPI + Mangum hello-world with one health route."""

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/api/health")
async def health() -> dict[str, str]:
    return {"status": "healthy"}


handler = Mangum(app, lifespan="off")
