"""The deployed artefacts bench/cold_start.py measures, built as users build them, and the baselines.

Lambda trees end as Lambda's /var/task: extracted, then read-only (PYTHONDONTWRITEBYTECODE in the
probe, since root may write anyway). The bare app is a FastAPI + Mangum hello world with the
template's pins, packaged as AWS's docs say (`pip install -t`, `zip -r`, `unzip`: Info-ZIP keeps
mtimes, so pip's timestamp bytecode stays valid), and the same with hash-based bytecode.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "api")]

from failsafe.requirements import read_pins  # noqa: E402
from scripts.predeploy.bytecode import compile_tree  # noqa: E402
from scripts.predeploy.deployment_tree import PIP_INSTALL, zip_tree  # noqa: E402

# The bare app's distributions, at the template's pins.
BARE_PINS = ("fastapi", "mangum", "pydantic", "starlette", "anyio")
BARE_VERCEL_APP = """from fastapi import FastAPI

app = FastAPI()


@app.get("/api/health")
async def health():
    return {"status": "healthy", "backend_loaded": True}
"""


def pins(names: tuple[str, ...]) -> list[str]:
    return [pin.text for pin in read_pins(ROOT / "api" / "requirements.txt").pins if pin.key in names]


def run(args: list[str], cwd: Path = ROOT, **env: str) -> None:
    done = subprocess.run(args, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{(done.stdout + done.stderr)[-4000:]}")


def read_only(tree: Path) -> Path:
    for path in [tree, *tree.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return tree


def writable(tree: Path) -> None:
    """So that the work folder can be removed or rebuilt."""
    for path in [tree, *tree.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


def extract(archive: Path, into: Path, *, strip_bytecode: bool = False) -> Path:
    """Python's zipfile, as the tests do: no mtime survives (fine for hash-based bytecode)."""
    zipfile.ZipFile(archive).extractall(into)
    if strip_bytecode:
        for cache in sorted(into.rglob("__pycache__"), reverse=True):
            shutil.rmtree(cache)
    return read_only(into)


def without_bytecode(tree: Path, into: Path) -> Path:
    """A copy of a built tree as the builders leave it by default: no __pycache__ anywhere."""
    shutil.copytree(tree, into, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    return into


def template_lambda(work: Path) -> tuple[Path, Path]:
    """scripts/package_lambda.py's zip for this machine, extracted; and the same without bytecode."""
    archive = work / "template.zip"
    run([sys.executable, "scripts/package_lambda.py", "--python", "3.12", "--arch", "x86_64", "--out", str(archive)])
    return extract(archive, work / "template"), extract(archive, work / "template-no-bytecode", strip_bytecode=True)


def bare_lambda(work: Path) -> tuple[Path, Path]:
    """The bare app per AWS's docs (pip's own bytecode, zip -r, unzip); and with hash-based bytecode."""
    package = work / "bare-package"
    run([*PIP_INSTALL, "--target", str(package), *pins(BARE_PINS)])
    shutil.copy(ROOT / "bench" / "bare_app.py", package / "bare_app.py")  # the function's file, as is
    run(["zip", "-q", "-r", str(work / "bare.zip"), "."], cwd=package)
    run(["unzip", "-q", str(work / "bare.zip"), "-d", str(work / "bare")])
    hashed = work / "bare-hash-package"
    run([*PIP_INSTALL, "--no-compile", "--target", str(hashed), *pins(BARE_PINS)])
    shutil.copy(ROOT / "bench" / "bare_app.py", hashed / "bare_app.py")
    error = compile_tree(hashed, "3.12")
    if error:
        raise SystemExit(error)
    zip_tree(hashed, work / "bare-hash.zip")
    return read_only(work / "bare"), extract(work / "bare-hash.zip", work / "bare-hash")


def vercel_build(project: Path, tools_path: str, python_dir: str) -> Path:
    """`vercel build --standalone` with the builder's bytecode opt-in; the function's folder."""
    (project / ".vercel").mkdir(exist_ok=True)
    settings = {"projectId": "prj_bench", "orgId": "team_bench", "settings": {"framework": None}}
    (project / ".vercel" / "project.json").write_text(json.dumps(settings), encoding="utf-8")
    path = os.pathsep.join([tools_path, python_dir, os.environ.get("PATH", "")])
    run(
        ["vercel", "build", "--standalone", "--yes"],
        project,
        PATH=path,
        VERCEL_TELEMETRY_DISABLED="1",
        VERCEL_PYTHON_COMPILEALL="1",
        # A bundle the builder finds large is otherwise installed at run time under /tmp, which
        # needs a download this machine cannot make and is not the artefact measured here.
        VERCEL_PYTHON_DISABLE_RUNTIME_INSTALL="1",
    )
    return project / ".vercel" / "output" / "functions" / "api" / "index.func"


def template_vercel(work: Path, tools_path: str, python_dir: str) -> Path:
    project = work / "vercel-template"
    ignore = shutil.ignore_patterns(
        ".git",
        ".venv",
        ".venv-*",
        ".tools",
        ".vercel",
        "node_modules",
        "__pycache__",
        "*_cache",
        "data",
        "dist",
        "tests",
        "bench",
        "docs",
    )
    shutil.copytree(ROOT, project, ignore=ignore)
    return vercel_build(project, tools_path, python_dir)


def bare_vercel(work: Path, tools_path: str, python_dir: str) -> Path:
    project = work / "vercel-bare"
    (project / "api").mkdir(parents=True)
    (project / "api" / "index.py").write_text(BARE_VERCEL_APP, encoding="utf-8")
    requirements = "\n".join(pins(("fastapi", "pydantic", "starlette", "anyio"))) + "\n"
    (project / "api" / "requirements.txt").write_text(requirements, encoding="utf-8")
    return vercel_build(project, tools_path, python_dir)
