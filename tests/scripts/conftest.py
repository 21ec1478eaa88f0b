"""Fixtures for tests/scripts: the real template under uvicorn, healthy, broken and with CORS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.sockets import free_port
from tests.support.template import break_backend, copy_project, uvicorn_template

ALLOWED_ORIGIN = "https://app.example.com"


@pytest.fixture(scope="module")
def healthy_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = copy_project(tmp_path_factory.mktemp("healthy"))
    with uvicorn_template(root, CORS_ORIGINS=ALLOWED_ORIGIN) as url:
        yield url


@pytest.fixture(scope="module")
def broken_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = copy_project(tmp_path_factory.mktemp("broken"))
    break_backend(root)
    with uvicorn_template(root) as url:
        yield url


@pytest.fixture(scope="module")
def degraded_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Redis configured but refusing connections: the cache and the rate limiter run on memory."""
    root = copy_project(tmp_path_factory.mktemp("degraded"))
    with uvicorn_template(root, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0") as url:
        yield url
