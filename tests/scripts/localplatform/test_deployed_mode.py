"""The emulator's default mode runs what ships: a package the deployed tree lacks fails here as deployed.

Each failure is made for real in a copy of the project (a pin removed, a package deleted from the
built tree, a compiled extension of the other architecture put in its place) and read the way a
user meets it: /api/health through `emulate.py serve` on Vercel's shim, Lambda in process and
awslambdaric, and through scripts/check_connection.py.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest

from scripts.localplatform import deployed, isolation
from scripts.predeploy.cache import done_marker
from scripts.predeploy.deployment_tree import PLATFORMS as WHEEL_PLATFORMS
from scripts.predeploy.deployment_tree import Target, copy_code
from scripts.predeploy.interpreters import find_python
from tests.scripts.checker import check
from tests.scripts.localplatform.conftest import without_pin
from tests.support.servers import Server
from tests.support.template import add_backend_import, copy_project, emulator, write_vercel_json
from tests.support.unavailable import unavailable

PLATFORMS = {
    "vercel": ["--platform", "vercel"],
    "lambda": ["--platform", "lambda", "--format", "http"],
    "lambda ric": ["--platform", "lambda", "--format", "http", "--runtime", "ric"],
}


def health(server: Server) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(server.url + "/api/health", timeout=120) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path)
    write_vercel_json(root, csp=None)
    return root


def diagnosis_of(server: Server) -> dict[str, Any]:
    status, body = health(server)
    assert status == 503, body
    assert body["backend_loaded"] is False
    found: dict[str, Any] = body["diagnosis"]
    return found


@pytest.mark.parametrize("name", list(PLATFORMS))
def test_a_removed_pin_is_the_diagnosis_and_restoring_it_is_healthy(
    name: str, tmp_path: Path, project_packages: Path
) -> None:
    root = project(tmp_path)
    line = without_pin(root, "python-jose")
    with emulator(root, *PLATFORMS[name]) as server:
        diagnosis = diagnosis_of(server)
        log = server.log.read_text(encoding="utf-8")
    assert diagnosis["type"] == "missing_dependency"
    assert diagnosis["module"] == "jose"
    assert "add `python-jose` to api/requirements.txt" in diagnosis["hint"]
    assert "mode: deployed" in log
    requirements = root / "api" / "requirements.txt"
    requirements.write_text(requirements.read_text(encoding="utf-8") + line, encoding="utf-8")
    with emulator(root, *PLATFORMS[name]) as server:
        assert health(server) == (200, {"status": "healthy", "backend_loaded": True})


@pytest.mark.parametrize("name", list(PLATFORMS))
def test_libpass_removed_names_libpass_not_passlib(name: str, tmp_path: Path, project_packages: Path) -> None:
    root = project(tmp_path)
    without_pin(root, "libpass")
    # The load imports passlib only to verify older deployments' bcrypt hashes (off by default).
    with emulator(root, *PLATFORMS[name], PASSWORD_LEGACY_BCRYPT="true") as server:
        diagnosis = diagnosis_of(server)
    assert (diagnosis["type"], diagnosis["module"]) == ("missing_dependency", "passlib")
    assert "add `libpass` to api/requirements.txt" in diagnosis["hint"]


@pytest.mark.parametrize("name", list(PLATFORMS))
def test_an_import_only_a_library_makes_at_run_time_is_diagnosed(
    name: str, tmp_path: Path, project_packages: Path
) -> None:
    root = project(tmp_path)
    # pydantic imports email-validator only when a model declares an EmailStr: no import to scan.
    model = "from pydantic import BaseModel, EmailStr\n\n\nclass Contact(BaseModel):\n    email: EmailStr\n"
    add_backend_import(root, model, name="contact")
    with emulator(root, *PLATFORMS[name]) as server:
        diagnosis = diagnosis_of(server)
    assert diagnosis["type"] == "missing_dependency"
    assert diagnosis["module"] == "email_validator"
    assert "add `email-validator` to api/requirements.txt" in diagnosis["hint"]


def built_tree(root: Path, name: str, packages: Path, python: str) -> Path:
    build = deployed.vercel_tree if name == "vercel" else deployed.lambda_tree
    (root / "tree").mkdir()
    return build(root / "api", packages, root / "tree", python)


def packages_dir(tree: Path, name: str) -> Path:
    return tree / "_vendor" if name == "vercel" else tree


@pytest.mark.parametrize("name", list(PLATFORMS))
def test_a_pinned_package_missing_from_the_built_tree_is_absent_from_the_bundle(
    name: str, tmp_path: Path, target: Target, project_packages: Path
) -> None:
    root = project(tmp_path)
    tree = built_tree(root, name, project_packages, target.python)
    (packages_dir(tree, name) / "jose").unlink()  # as an exclude rule would leave it out
    with emulator(root, *PLATFORMS[name], "--tree", str(tree)) as server:
        diagnosis = diagnosis_of(server)
    assert (diagnosis["type"], diagnosis["module"]) == ("absent_from_bundle", "jose")
    assert (
        "`python-jose` is pinned in api/requirements.txt but `jose` is not in the deployed bundle"
        in (diagnosis["hint"])
    )


def test_a_tree_as_vercels_builder_makes_it_names_python_jose_for_a_removed_pin(
    tmp_path: Path, project_packages: Path
) -> None:
    # Vercel's builder copies the project's files and installs the pins into `_vendor`; no script of
    # ours runs, so the function has only what api/ holds: the committed import_names.json.
    root = project(tmp_path)
    without_pin(root, "python-jose")
    tree = root / "tree"
    copy_code(root / "api", tree / "api")
    (tree / "_vendor").mkdir()
    deployed.link_packages(project_packages, tree / "_vendor")
    for entry in [tree / "_vendor" / "jose", *(tree / "_vendor").glob("python_jose-*.dist-info")]:
        entry.unlink()
    with emulator(root, *PLATFORMS["vercel"], "--tree", str(tree)) as server:
        diagnosis = diagnosis_of(server)
    assert (diagnosis["type"], diagnosis["module"]) == ("missing_dependency", "jose")
    assert "add `python-jose` to api/requirements.txt (it provides `jose`)" in diagnosis["hint"]


OTHER_ARCH = {"x86_64": "aarch64", "aarch64": "x86_64"}


@pytest.fixture(scope="session")
def foreign_bcrypt(tmp_path_factory: pytest.TempPathFactory, target: Target) -> Path:
    """bcrypt's wheel (pinned in api/requirements.txt) for the architecture this machine is not."""
    other = OTHER_ARCH[target.arch]
    pin = next(
        line for line in (deployed.CHECKOUT / "api" / "requirements.txt").read_text().split() if "bcrypt==" in line
    )
    into = tmp_path_factory.mktemp("wheels")
    platforms = [arg for wheel_platform in WHEEL_PLATFORMS[other] for arg in ("--platform", wheel_platform)]
    args = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", *platforms]
    args += ["--implementation", "cp", "--python-version", target.python, "-d", str(into), pin]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        unavailable(f"pip could not download {pin} for {other}: {done.stderr.strip()[-500:]}")
    return next(into.glob("*.whl"))


@pytest.mark.parametrize("name", list(PLATFORMS))
def test_a_compiled_extension_of_the_other_architecture_names_both(
    name: str, tmp_path: Path, target: Target, project_packages: Path, foreign_bcrypt: Path
) -> None:
    root = project(tmp_path)
    tree = built_tree(root, name, project_packages, target.python)
    packages = packages_dir(tree, name)
    for entry in [packages / "bcrypt", *packages.glob("bcrypt-*.dist-info")]:
        entry.unlink()
    with zipfile.ZipFile(foreign_bcrypt) as wheel:
        wheel.extractall(packages)
    # bcrypt is imported with the load only to verify older deployments' hashes (off by default).
    with emulator(root, *PLATFORMS[name], "--tree", str(tree), PASSWORD_LEGACY_BCRYPT="true") as server:
        diagnosis = diagnosis_of(server)
    assert (diagnosis["type"], diagnosis["module"]) == ("incompatible_binary", "bcrypt")
    other = OTHER_ARCH[target.arch]
    assert f"built for {other}" in diagnosis["hint"]
    assert f"runs on {target.arch}, Python {platform.python_version_tuple()[0]}." in diagnosis["hint"]


def test_check_connection_reports_the_emulators_diagnosis_with_its_hint(tmp_path: Path, project_packages: Path) -> None:
    root = project(tmp_path)
    without_pin(root, "python-jose")
    with emulator(root, *PLATFORMS["lambda"]) as server:
        hint = diagnosis_of(server)["hint"]
        code, report, text = check(server.url, timeout=60)
    assert (code, report["class"]) == (9, "backend_failed")
    assert f"hint:     {hint}" in text
    assert "add `python-jose` to api/requirements.txt" in text


def test_in_venv_mode_says_so_and_cannot_see_a_removed_pin(tmp_path: Path) -> None:
    root = project(tmp_path)
    without_pin(root, "python-jose")
    with emulator(root, *PLATFORMS["lambda"], "--in-venv") as server:
        assert health(server)[0] == 200  # the development venv still has python-jose: why deployed is the default
        log = server.log.read_text(encoding="utf-8")
    assert "mode: in-venv" in log and "fails deployed" in log


def test_a_restart_takes_the_code_as_edited_and_reuses_the_cached_packages(
    tmp_path: Path, target: Target, project_packages: Path
) -> None:
    api = project(tmp_path) / "api"
    built = done_marker(project_packages).stat().st_mtime_ns
    first = isolation.build(api, "lambda", "ric", target.python)
    first.close()
    assert not first.tree.exists() and project_packages.is_dir()  # closing removes the tree, not the cache
    (api / "backend_app" / "added.py").write_text("EDITED = True\n", encoding="utf-8")
    second = isolation.build(api, "lambda", "ric", target.python)
    try:
        assert (second.tree / "backend_app" / "added.py").read_text(encoding="utf-8") == "EDITED = True\n"
        assert (second.tree / "backend_app" / "__pycache__").is_dir()  # compiled, as shipped
        assert (second.tree / "fastapi").resolve().parent == project_packages  # the same packages, not reinstalled
        assert done_marker(project_packages).stat().st_mtime_ns == built
    finally:
        second.close()


def test_a_bundle_built_for_another_python_names_both_versions(
    tmp_path: Path, target: Target, project_packages: Path
) -> None:
    other = "3.13" if target.python == "3.12" else "3.12"
    if find_python(other) is None:
        unavailable(f"no Python {other} (PATH or pyenv) to run a bundle built for {target.python}")
    tree = built_tree(project(tmp_path), "lambda", project_packages, target.python)
    command = [sys.executable, str(deployed.CHECKOUT / "scripts" / "emulate.py"), "invoke", "--task-root", str(tree)]
    done = subprocess.run(
        [*command, "--python", other, "--raw"], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    diagnosis = json.loads(json.loads(done.stdout)["body"])["diagnosis"]
    assert diagnosis["type"] == "incompatible_binary"
    assert f"Python {target.python}, but this function runs on {target.arch}, Python {other}" in diagnosis["hint"]
