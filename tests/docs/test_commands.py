"""Every command in README.md and docs/ works as written on a fresh copy of the project.

The commands are read from the docs and checked against `tests/docs/commands.py`, which says for
each one whether it is run, served or not run (and why). "A fresh copy" is the project's files as
git lists them, with this checkout's `.venv` (and `.tools`) linked in: what a clone holds after
its first `bash scripts/bootstrap.sh`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.docs.commands import COMMANDS, NotRun, Run, Server
from tests.support.environment import clean_environ
from tests.support.paths import ROOT
from tests.support.servers import serve
from tests.support.sockets import free_port
from tests.support.unavailable import unavailable

pytestmark = pytest.mark.slow

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```(?:bash|sh)\n(.*?)```", re.S)
FENCED = re.compile(r"```.*?```", re.S)
SPAN = re.compile(r"`([^`\n]+)`")
PROGRAM = re.compile(r"^([A-Z_]+=\S*\s+)*(bash|\.venv/bin/\S+|python3?|curl|sam|vercel|npm|printf)\s")
COMMENT = re.compile(r"\s+#\s.*$")


def documented_commands() -> dict[str, str]:
    """Each command written in the docs, with the first page that has it."""
    found: dict[str, str] = {}
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        lines: list[str] = []
        for block in BLOCK.findall(text):
            joined = ""
            for line in block.splitlines():
                if line.rstrip().endswith("\\"):
                    joined += line.rstrip()[:-1].rstrip() + " "
                    continue
                lines.append((joined + line.strip()).strip())
                joined = ""
        lines += [span for span in SPAN.findall(FENCED.sub("", text)) if PROGRAM.match(span)]
        for line in lines:
            command = COMMENT.sub("", line).strip()
            if command and not command.startswith("#"):
                found.setdefault(command, page.relative_to(ROOT).as_posix())
    return found


DOCUMENTED = documented_commands()


def test_every_documented_command_is_in_the_manifest_and_every_listed_one_is_documented() -> None:
    missing = sorted(f"{page}: {command}" for command, page in DOCUMENTED.items() if command not in COMMANDS)
    stale = sorted(command for command in COMMANDS if command not in DOCUMENTED)
    assert not missing, "add these to tests/docs/commands.py (Run, Server or NotRun):\n" + "\n".join(missing)
    assert not stale, "no page has these any more; drop them from tests/docs/commands.py:\n" + "\n".join(stale)


def test_every_command_not_run_says_why() -> None:
    for command, entry in COMMANDS.items():
        if isinstance(entry, NotRun):
            assert len(entry.reason) > 10, command


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / ".venv" / "bin" / "python").exists():
        unavailable("no .venv in the checkout: run bash scripts/bootstrap.sh")
    tracked_or_new = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    listed = subprocess.run(tracked_or_new, cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    copy = tmp_path_factory.mktemp("docs") / "project"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    for linked in (".venv", ".tools"):
        if (ROOT / linked).exists():
            (copy / linked).symlink_to((ROOT / linked).resolve())
    return copy


def environment(port: int | None = None, settings: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    # A reader's shell has none of the test suite's settings.
    env = clean_environ("ENVIRONMENT", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CORS_ORIGINS", prefixes=("COV_",))
    if port is not None:
        env["PORT"] = str(port)
    return env | dict(settings)


def run(
    project: Path, command: str, stdin: str = "", port: tuple[int, int] | None = None
) -> subprocess.CompletedProcess[str]:
    if port is not None:
        command = command.replace(str(port[0]), str(port[1]))
    return subprocess.run(
        ["bash", "-c", command],
        cwd=project,
        env=environment(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def health(url: str) -> dict[str, object] | None:
    """The health answer's body (a 503 too: it carries the diagnosis), or None while nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raw = exc.read()
    except OSError:
        return None
    try:
        body: dict[str, object] = json.loads(raw)
    except ValueError:
        return {"status": None, "body": raw[:500].decode(errors="replace")}
    return body


@contextmanager
def serving(project: Path, command: str, entry: Server) -> Iterator[int]:
    """Start the server command on a free port, wait until its health answers, stop it afterwards.

    Each start begins without `data/` (the development database), as a fresh clone does.
    """
    shutil.rmtree(project / "data", ignore_errors=True)
    for step in entry.setup:
        assert run(project, step).returncode == 0, step
    port = free_port()
    argv = ["bash", "-c", command.replace(str(entry.port), str(port))]
    env = environment(port, entry.env)
    log = project / f"server-{port}.log"
    with serve(argv, port, env=env, cwd=project, wait_for=entry.health, log=log, startup_s=120, stop_group=True):
        answer = health(f"http://127.0.0.1:{port}{entry.health}")
        assert answer is not None and answer.get("status") == "healthy", f"{answer}\n{log.read_text()[-3000:]}"
        yield port


SERVED = sorted(command for command, entry in COMMANDS.items() if isinstance(entry, Server))
RUN = sorted(command for command, entry in COMMANDS.items() if isinstance(entry, Run))


@pytest.mark.parametrize("command", SERVED)
def test_the_server_command_serves_a_healthy_backend(project: Path, command: str) -> None:
    entry = COMMANDS[command]
    assert isinstance(entry, Server)
    with serving(project, command, entry):
        pass


@pytest.mark.parametrize("command", RUN)
def test_the_command_runs_as_written(project: Path, command: str) -> None:
    entry = COMMANDS[command]
    assert isinstance(entry, Run)
    if command.startswith("curl") and shutil.which("curl") is None:
        unavailable("curl is not installed (apt-get install curl)")
    with serving_for(project, entry) as port:
        for step in entry.setup:
            done = run(project, step, port=port)
            assert done.returncode == 0, f"{step}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        done = run(project, command, stdin=entry.stdin, port=port)
    output = done.stdout + done.stderr
    assert done.returncode == entry.status, f"exit {done.returncode}:\n{output[-4000:]}"
    assert entry.expect in output, output[-4000:]


@contextmanager
def serving_for(project: Path, entry: Run) -> Iterator[tuple[int, int] | None]:
    """The server the command talks to, when it needs one: (port written in the docs, port used)."""
    if entry.during is None:
        yield None
        return
    server = COMMANDS[entry.during]
    assert isinstance(server, Server)
    with serving(project, entry.during, server) as port:
        yield server.port, port
