"""scripts/dev.sh as a developer runs it: the status page at / as on Vercel, one log line per request."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx

from tests.support.environment import development_environ
from tests.support.paths import ROOT
from tests.support.servers import serve
from tests.support.sockets import free_port
from tests.support.template import add_import, copy_project


def test_dev_sh_serves_public_at_the_root_and_logs_each_request_once(tmp_path: Path) -> None:
    port = free_port()
    env = development_environ(
        PORT=str(port),
        ENVIRONMENT="development",
        REDIS_URL="",
        DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path}/app.sqlite3",
    )
    dev = ["bash", str(ROOT / "scripts" / "dev.sh")]
    with serve(dev, port, env=env, cwd=tmp_path, wait_for=None, log=tmp_path / "server.log") as server:
        page = httpx.get(server.url + "/")
        style = httpx.get(server.url + "/status.css")
        health = httpx.get(server.url + "/api/health")
        missing = httpx.get(server.url + "/no-such-file")
    log = server.log.read_text()  # once stopped: a line is written after its response is sent
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.text == (ROOT / "public" / "index.html").read_text(encoding="utf-8")
    # vercel.json's headers for the static pages, as deployed (not the API's policy).
    vercel = json.loads((ROOT / "vercel.json").read_text(encoding="utf-8"))
    policies = [
        h["value"] for rule in vercel["headers"] for h in rule["headers"] if h["key"] == "Content-Security-Policy"
    ]
    assert page.headers["content-security-policy"] in policies
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
    assert health.status_code == 200 and health.json()["status"] == "healthy"
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"  # the app's envelope
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    for path in ("/", "/status.css", "/api/health", "/no-such-file"):
        assert sum(line.get("path") == path for line in lines) == 1, (path, log)
    assert '"GET /api/health HTTP/1.1"' not in log  # uvicorn's own access line is off


def test_dev_sh_warns_at_start_when_the_code_imports_an_unpinned_package(tmp_path: Path) -> None:
    # A copy of the project with the same requirements (bootstrap installs nothing) and the same .venv.
    root = copy_project(tmp_path / "project")
    for name in ("scripts", "requirements-dev.txt", "vercel.json"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    (root / ".venv").symlink_to((ROOT / ".venv").resolve(), target_is_directory=True)
    add_import(root / "api" / "backend_app" / "routes" / "health.py", "import yaml  # noqa: F401\n")
    port = free_port()
    env = development_environ(PORT=str(port), REDIS_URL="", DATABASE_URL=f"sqlite:///{tmp_path}/app.sqlite3")
    dev = ["bash", str(root / "scripts" / "dev.sh")]
    with serve(dev, port, env=env, cwd=root, wait_for="/api/health", log=tmp_path / "server.log") as server:
        health = httpx.get(server.url + "/api/health")
    log = server.log.read_text()
    assert health.status_code == 200  # .venv has PyYAML: the quick loop still serves ...
    assert "WARNING: the code imports what api/requirements.txt does not provide" in log  # ... and says so
    assert "`yaml` is imported (api/backend_app/routes/health.py" in log
    assert log.index("WARNING") < log.index("serving on")  # at start, before anything else
    # The index the deployed diagnosis reads now names PyYAML for `yaml`, and dev.sh said it changed it.
    assert "updated api/import_names.json (yaml)" in log
    index = json.loads((root / "api" / "import_names.json").read_text(encoding="utf-8"))
    assert [name.lower() for name in index["yaml"]] == ["pyyaml"]
