"""Fixtures for running the template on the platforms' real runtimes (scripts/localplatform)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.localplatform import events
from tests.support.template import copy_project

MISSING = "not_installed_pkg_xyz"
DEBUG_LOGS = {"LOG_LEVEL": "DEBUG"}  # the backend's lifespan logs "backend started" at DEBUG
# What a deployment configures: production settings need SECRET_KEY, and without
# DATABASE_URL health says `degraded`; health never contacts this URL.
APP_ENV = {"SECRET_KEY": "platform-test-secret-key-0123456789abcdef", "DATABASE_URL": "postgresql://127.0.0.1:9/unused"}


@pytest.fixture
def broken_project(tmp_path: Path) -> Iterator[Path]:
    """A copy of the project whose backend imports a package that is not installed."""
    project = copy_project(tmp_path, public=False)
    health = project / "api" / "backend_app" / "routes" / "health.py"
    source = health.read_text(encoding="utf-8")
    future = "from __future__ import annotations\n"
    health.write_text(source.replace(future, f"{future}import {MISSING}\n", 1), encoding="utf-8")
    assert f"import {MISSING}" in health.read_text(encoding="utf-8")
    yield project


@pytest.fixture
def broken_entrypoint(tmp_path: Path) -> Path:
    """A project whose api/index.py itself fails to import: what the failsafe loader prevents."""
    project = copy_project(tmp_path, public=False)
    (project / "api" / "index.py").write_text(f"import {MISSING}\napp = None\nhandler = None\n", encoding="utf-8")
    return project


def health_event(fmt: events.Format = "http", path: str = "/api/health") -> dict[str, object]:
    return events.build_event(fmt, "GET", path)


def lines_with(text: str, needle: str) -> list[str]:
    return [line for line in text.splitlines() if needle in line]
