"""Real Redis for the service tests: the shared one at 127.0.0.1:6379, and `redis-server`
processes started here on free ports (to stop, restart or lock with a password).

Every key a test writes starts with a prefix unique to this run (other engineers use the same
Redis at the same time); the run's keys are deleted at the end. A missing Redis fails the test
when CI=true and skips it otherwise.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from backend_app import create_app
from backend_app.core.config import Settings, load_settings
from failsafe.loader import BackendGate
from tests.support.sockets import free_port, raw_listener
from tests.support.unavailable import unavailable

SHARED_REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="session")
def run_prefix() -> Iterator[str]:
    prefix = f"t4-{uuid.uuid4().hex[:12]}"
    yield prefix
    try:
        client = redis.Redis.from_url(SHARED_REDIS, socket_timeout=2)
        keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()
    except redis.RedisError:
        pass


@pytest.fixture
def key_prefix(run_prefix: str) -> str:
    return f"{run_prefix}-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="session")
def shared_redis() -> str:
    try:
        redis.Redis.from_url(SHARED_REDIS, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        unavailable(f"no Redis at 127.0.0.1:6379 ({type(exc).__name__})")
    return SHARED_REDIS


class RedisProcess:
    def __init__(self, binary: str, workdir: Path, password: str | None = None) -> None:
        self.binary, self.workdir, self.password = binary, workdir, password
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisProcess:
        args = [
            self.binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.workdir),
        ]
        if self.password:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, password=self.password, socket_connect_timeout=0.2, socket_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                client.close()
                return self
            except redis.RedisError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Callable[..., RedisProcess]]:
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed: run bash scripts/setup-tools.sh (installs Debian's redis-server)")
    started: list[RedisProcess] = []

    def start(password: str | None = None) -> RedisProcess:
        assert binary is not None
        server = RedisProcess(binary, tmp_path, password).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def blackhole() -> Iterator[int]:
    """A TCP listener that accepts connections and never answers: the hang."""
    with raw_listener("silent") as port:
        yield port


def settings(**overrides: Any) -> Settings:
    """Settings for a test: given values over defaults; development and no REDIS_URL unless given."""
    overrides.setdefault("environment", "development")  # explicit: unset means production
    overrides.setdefault("redis_url", None)
    overrides.setdefault("redis_retry_after_s", 30.0)
    return load_settings(**overrides)


@asynccontextmanager
async def gate_client(config: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app behind the real gate (start-up once, before the first request), shut down after."""
    app = create_app(config)
    gate = BackendGate(factory=lambda: app, environ={"ENVIRONMENT": config.environment})
    transport = httpx.ASGITransport(app=gate, client=("203.0.113.7", 40000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
    finally:
        loaded = gate.loaded
        if loaded is not None and loaded.lifespan is not None:
            await loaded.lifespan.shutdown()
