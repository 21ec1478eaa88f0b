"""`scripts/emulate.py invoke`, as a person runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.environment import clean_environ
from tests.support.paths import ROOT
from tests.support.platforms import MISSING


def emulate(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(ROOT / "scripts" / "emulate.py"), "invoke", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120, check=False)


def test_builds_an_event_and_prints_the_decoded_response() -> None:
    result = emulate("--format", "rest", "--stage", "prod", "--method", "GET", "--path", "/api/status")
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition("\n\n")
    assert head.startswith("HTTP 200")
    assert "content-type: application/json" in head
    assert json.loads(body)["platform"] == "lambda"


def test_reads_an_event_file_and_runs_it_through_the_runtime_client(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"warmer": True}), encoding="utf-8")
    # The ric runtime passes only what Lambda would set; production settings need SECRET_KEY.
    result = emulate("--event", str(event), "--runtime", "ric", "--env", "SECRET_KEY=" + "k" * 32)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"warmed": True, "backend_loaded": True}


def test_fail_on_5xx_turns_a_broken_backend_into_an_exit_status(broken_project: Path) -> None:
    args = ("--format", "url", "--path", "/api/health", "--task-root", str(broken_project / "api"))
    lenient = emulate(*args, "--runtime", "ric")
    strict = emulate(*args, "--runtime", "ric", "--fail-on-5xx")
    assert lenient.returncode == 0, lenient.stderr
    assert lenient.stdout.startswith("HTTP 503")
    assert strict.returncode == 1
    assert MISSING in strict.stdout


def test_a_runtime_that_cannot_start_is_exit_status_2(broken_entrypoint: Path) -> None:
    result = emulate("--runtime", "ric", "--task-root", str(broken_entrypoint / "api"))
    assert result.returncode == 2
    assert "Runtime.ImportModuleError" in result.stderr


def test_a_setting_the_function_would_refuse_is_named_with_the_flag_that_sets_it(tmp_path: Path) -> None:
    # SECRET_KEY exported in the shell does not reach a function run through the runtime client.
    env = clean_environ("ENVIRONMENT", "DATABASE_URL")
    env["SECRET_KEY"] = "k" * 64
    command = [sys.executable, str(ROOT / "scripts" / "emulate.py"), "invoke", "--runtime", "ric"]
    refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert "settings will not load" in refused.stderr and "SECRET_KEY" in refused.stderr
    assert "--env SECRET_KEY=..." in refused.stderr and "--env-file" in refused.stderr
    assert "HTTP 503" in refused.stdout  # it still runs: the fallback answers with the diagnosis
    env_file = tmp_path / "emulate.env"
    env_file.write_text(f"SECRET_KEY={'k' * 64}\nDATABASE_URL=sqlite:///{tmp_path}/app.sqlite3\n", encoding="utf-8")
    accepted = subprocess.run(
        [*command, "--env-file", str(env_file)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert "settings will not load" not in accepted.stderr
    assert "HTTP 200" in accepted.stdout and '"status": "healthy"' in accepted.stdout
