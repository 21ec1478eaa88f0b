"""A copy of the project to break or serve: under uvicorn as `scripts/dev.sh` serves it, or under the emulator."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.deployed_packages import packages_for
from tests.support.environment import development_environ
from tests.support.paths import ROOT
from tests.support.servers import Server, serve
from tests.support.sockets import free_port

MISSING_PACKAGE = "acme_billing_sdk"  # a package nobody installs: the broken backend imports it
# What a production header for the status page can be: nothing inline, nothing from elsewhere.
STRICT_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' http://127.0.0.1:*; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def copy_project(dest: Path, *, public: bool = True) -> Path:
    """`api/` (the deployable tree) and, with `public`, the static site, copied to `dest` to break or serve."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "api", dest / "api", ignore=ignore)
    if public and (ROOT / "public").is_dir():
        shutil.copytree(ROOT / "public", dest / "public", ignore=ignore)
    return dest


def break_backend(root: Path, module: str = MISSING_PACKAGE) -> None:
    """Make the backend import a package that is not installed, as a forgotten requirement does."""
    routes = root / "api" / "backend_app" / "routes"
    (routes / "billing.py").write_text(f"import {module}  # noqa: F401\n")
    init = root / "api" / "backend_app" / "__init__.py"
    init.write_text("import backend_app.routes.billing  # noqa: F401\n" + init.read_text())


def add_backend_import(root: Path, module_source: str, name: str = "broken") -> None:
    """Make `backend_app` import a module with the given source while it loads."""
    (root / "api" / "backend_app" / "routes" / f"{name}.py").write_text(module_source)
    init = root / "api" / "backend_app" / "__init__.py"
    text = init.read_text()
    init.write_text(
        text.replace(
            "from backend_app.main", f"import backend_app.routes.{name}  # noqa: F401\nfrom backend_app.main", 1
        )
    )


def add_import(module: Path, line: str) -> None:
    """Add an import statement to a module of a copied tree, below its `__future__` import."""
    text = module.read_text()
    future = "from __future__ import annotations\n"
    assert future in text, module
    module.write_text(text.replace(future, future + line, 1))


@contextmanager
def uvicorn_template(root: Path, **env: str) -> Iterator[str]:
    """`api.index:app` of the copy at `root` under uvicorn, as `scripts/dev.sh` serves it; its URL."""
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "api.index:app", "--host", "127.0.0.1", "--port", str(port)]
    with serve(
        argv, port, env=development_environ(**env), cwd=root, wait_for=None, log=root / f"server-{port}.log"
    ) as server:
        yield server.url


def write_vercel_json(root: Path, *, rewrites: bool = True, csp: str | None = STRICT_CSP) -> dict[str, Any]:
    """The copy's vercel.json: the project's own (or a minimal one), with `csp` instead of its CSP.

    The tests that read another origin need `connect-src` to allow 127.0.0.1:*; with `csp=None` the
    project's own headers stay as they are.
    """
    source = ROOT / "vercel.json"
    config: dict[str, Any] = json.loads(source.read_text()) if source.is_file() else {}
    if rewrites:
        config.setdefault("rewrites", [{"source": "/api/(.*)", "destination": "/api/index"}])
    else:
        config.pop("rewrites", None)
    if csp is not None:
        for rule in config.get("headers", []):
            rule["headers"] = [h for h in rule["headers"] if h["key"].lower() != "content-security-policy"]
        config.setdefault("headers", []).append(
            {"source": "/(.*)", "headers": [{"key": "Content-Security-Policy", "value": csp}]}
        )
    (root / "vercel.json").write_text(json.dumps(config, indent=2))
    return config


# What a deployment must set (production is the default on both platforms): a signing key and a
# database. The SQLite file is never opened by these tests: health reads the last known state.
DEPLOYED_ENV = {"SECRET_KEY": "operate-tests-secret-key-0123456789abcdef"}


@contextmanager
def emulator(root: Path, *args: str, **env: str) -> Iterator[Server]:
    """`scripts/emulate.py serve ARGS` for a project copy; `env` reaches the function through --env."""
    if "--in-venv" not in args:
        packages_for(root / "api")  # a first build of these pins happens here, not in the start-up wait
    env = {**DEPLOYED_ENV, "DATABASE_URL": f"sqlite:///{root}/data/app.sqlite3", **env}
    port = free_port()
    argv = [
        sys.executable,
        str(ROOT / "scripts" / "emulate.py"),
        "serve",
        *args,
        "--port",
        str(port),
        "--project-root",
        str(root),
        *(f"--env={name}={value}" for name, value in env.items()),
    ]
    with serve(
        argv, port, env=development_environ(), cwd=root, wait_for=None, log=root / f"server-{port}.log"
    ) as server:
        yield server
