"""scripts/check_deps.py against small broken projects: each problem is named where it is."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from failsafe.requirements import requirement_names
from scripts.predeploy.bundle import LIMITS
from scripts.predeploy.deployment_tree import MIB
from tests.scripts.deploy.conftest import CheckRun, messages
from tests.support.paths import ROOT
from tests.support.unavailable import needs_package_index

STATIC = ("--only", "entrypoint,imports")


def _write(project: Path, relative: str, text: str) -> None:
    (project / relative).write_text(text, encoding="utf-8")


def _replace_pin(project: Path, name: str, new: str | None) -> None:
    path = project / "api" / "requirements.txt"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith(f"{name}==")]
    path.write_text("\n".join([*lines, *([new] if new else [])]) + "\n", encoding="utf-8")


def test_an_import_of_an_unlisted_package_is_named_with_its_file_and_line(project: Path, check_deps: CheckRun) -> None:
    _write(project, "api/backend_app/store.py", '"""A store."""\n\nimport sqlalchemy.ext.asyncio\n')
    code, document, text = check_deps(project, *STATIC, text=True)
    assert code == 1
    [error] = messages(document, "imports")
    assert "`sqlalchemy`" in error and "api/backend_app/store.py:3" in error and "sqlalchemy==" in error
    assert "[FAIL] imports" in text and "api/backend_app/store.py:3" in text
    assert text.strip().splitlines()[-1].startswith("result: FAIL")


def test_a_package_present_only_as_a_dependency_is_named(project: Path, check_deps: CheckRun) -> None:
    # idna arrives with anyio today; a release of anyio that drops it would break this import.
    _write(project, "api/backend_app/hosts.py", "import idna\n\nENCODE = idna.encode\n")
    code, document, _ = check_deps(project, *STATIC)
    assert code == 1
    [error] = messages(document, "imports")
    assert "`idna`" in error and "api/backend_app/hosts.py:1" in error
    assert "only as a dependency of anyio" in error and "idna==" in error


def test_a_second_top_level_app_is_named(project: Path, check_deps: CheckRun) -> None:
    _write(project, "api/backend_app/admin.py", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    code, document, _ = check_deps(project, *STATIC)
    assert code == 1
    [error] = messages(document, "entrypoint")
    assert "api/backend_app/admin.py:3" in error and "another function" in error
    assert messages(document, "imports") == []


def test_a_top_level_class_handler_is_named(project: Path, check_deps: CheckRun) -> None:
    _write(
        project,
        "api/legacy.py",
        "from http.server import BaseHTTPRequestHandler\n\n\nclass handler(BaseHTTPRequestHandler):\n    pass\n",
    )
    code, document, _ = check_deps(project, *STATIC)
    assert code == 1
    assert any("api/legacy.py:4" in e and "class handler" in e for e in messages(document, "entrypoint"))


def test_a_loose_pin_is_named_with_its_line(project: Path, check_deps: CheckRun) -> None:
    _replace_pin(project, "fastapi", "fastapi>=0.100")
    code, document, _ = check_deps(project, *STATIC)
    assert code == 1
    [error] = messages(document, "imports")
    assert "`fastapi>=0.100`" in error and "requirements.txt:" in error and "exact pin" in error


def test_requirements_are_read_as_pip_reads_them(project: Path, check_deps: CheckRun) -> None:
    """One reader serves the check and the fallback: a comment after white space is a comment,
    options and direct references are named as lines the check does not follow."""
    path = project / "api" / "requirements.txt"
    fastapi = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("fastapi=="))
    _replace_pin(project, "fastapi", f"{fastapi}\t# after a tab")
    path.write_text(path.read_text(encoding="utf-8") + "-r more.txt\nhttpx @ https://example.com/httpx.whl\n")
    code, document, _ = check_deps(project, *STATIC)
    assert code == 1
    errors = messages(document, "imports")
    assert len(errors) == 2, errors
    assert "`-r more.txt`: options and includes are not followed" in errors[0]
    assert "`httpx @ https://example.com/httpx.whl` is not a `name==version` pin" in errors[1]
    names = requirement_names(path)
    assert "fastapi" in names and "httpx" not in names


def test_an_index_without_handler_is_named(project: Path, check_deps: CheckRun) -> None:
    index = project / "api" / "index.py"
    index.write_text(index.read_text(encoding="utf-8").replace("handler = _entry\n", ""), encoding="utf-8")
    code, document, _ = check_deps(project, *STATIC)
    assert code == 1
    assert any("`handler`" in e and "Lambda" in e for e in messages(document, "entrypoint"))


def test_unused_pins_and_optional_imports_are_reported_without_failing(project: Path, check_deps: CheckRun) -> None:
    _replace_pin(project, "idna", "idna==3.10")  # imported by nobody in api/
    _write(project, "api/backend_app/speed.py", "try:\n    import orjson\nexcept ImportError:\n    orjson = None\n")
    code, document, _ = check_deps(project, *STATIC)
    assert code == 1 and "`idna` is installed by idna" in messages(document, "imports")[0]  # a new pin's module
    refresh = [sys.executable, str(ROOT / "scripts" / "import_names.py"), "--root", str(project)]
    subprocess.run(refresh, check=True, capture_output=True, timeout=120)
    code, document, _ = check_deps(project, *STATIC)
    assert code == 0, document
    assert any(w.startswith("idna is pinned but never imported") for w in messages(document, "imports", "warning"))
    assert any("`orjson` is imported optionally" in m for m in messages(document, "imports", "info"))


@pytest.mark.slow
def test_a_missing_extra_is_caught_by_the_isolated_install(project: Path, check_deps: CheckRun) -> None:
    needs_package_index()
    # `EmailStr` needs pydantic's `email` extra (email-validator): nothing imports it by name, so
    # the static check passes, and the backend fails to load where only the pins are installed.
    _write(
        project,
        "api/backend_app/signup.py",
        "from pydantic import BaseModel, EmailStr\n\n\nclass Signup(BaseModel):\n    email: EmailStr\n",
    )
    main = project / "api" / "backend_app" / "main.py"
    main.write_text(
        main.read_text(encoding="utf-8") + "\nfrom backend_app import signup  # noqa: E402,F401\n", encoding="utf-8"
    )
    code, document, _ = check_deps(project, "--only", "imports,install")
    assert code == 1
    assert messages(document, "imports") == []
    [error] = messages(document, "install")
    assert "backend_loaded: False" in error and "email-validator" in error


@pytest.mark.slow
def test_the_real_project_passes_every_check(check_deps: CheckRun) -> None:
    needs_package_index()
    code, document, _ = check_deps(ROOT)
    assert code == 0, document
    assert [c["name"] for c in document["checks"] if c["ok"]] == ["entrypoint", "imports", "install", "bundle"]
    [install] = [c for c in document["checks"] if c["name"] == "install"]
    assert install["data"]["status_code"] == 200
    [bundle] = [c for c in document["checks"] if c["name"] == "bundle"]
    labels = {row["target"] for row in bundle["data"]["targets"]}
    assert labels == {f"python{v}-{a}" for v in ("3.12", "3.13") for a in ("x86_64", "aarch64")}
    assert all(0 < row["zipped_mb"] < row["unzipped_mb"] <= 60 for row in bundle["data"]["targets"])
    assert all(row["bytecode"] for row in bundle["data"]["targets"])
    largest = [package["name"] for package in bundle["data"]["targets"][0]["largest"]]
    assert len(largest) == 10 and "pydantic_core" in largest


@pytest.mark.slow
def test_a_bundle_over_the_budget_fails_and_names_it(check_deps: CheckRun) -> None:
    needs_package_index()
    code, document, _ = check_deps(ROOT, "--only", "bundle", "--targets", "3.12-aarch64", "--budget-unzipped-mb", "1")
    assert code == 1
    [error] = messages(document, "bundle")
    assert "python3.12-aarch64" in error and "budget 1 MB unzipped" in error


@pytest.mark.slow
def test_the_bundle_carries_bytecode_for_the_target_python(check_deps: CheckRun) -> None:
    code, document, text = check_deps(ROOT, "--only", "bundle", "--targets", "3.13-x86_64", text=True)
    assert code == 0, document
    [bundle] = [c for c in document["checks"] if c["name"] == "bundle"]
    [row] = bundle["data"]["targets"]
    assert row["bytecode"] is True and row["bytecode_modules"] == row["modules"] > 0
    assert f"python3.13-x86_64: bytecode: cpython-313, hash-based, for all {row['modules']} modules" in text


def test_the_docs_give_every_limit_the_bundle_check_applies() -> None:
    page = " ".join((ROOT / "docs" / "pre-deploy-check.md").read_text(encoding="utf-8").split())
    vercel = [size for what, size, _ in LIMITS if what.startswith("Vercel")]
    assert vercel == [500 * MIB]  # a Python function's limit, not the 250 MB of Vercel's other runtimes
    for _, size, _ in LIMITS:
        assert f"{size // MIB} MB" in page
