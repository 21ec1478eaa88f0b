"""api/import_names.json: committed, kept current by the tools a user runs, shipped as written.

Vercel's own builder runs no script of ours, so the index the fallback's diagnosis reads reaches a
real Vercel deployment only as a file of the project: these tests hold it current and check that
no build writes a different one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scripts.localplatform import deployed
from scripts.predeploy.deployment_tree import Target
from scripts.predeploy.import_names import UPDATE_COMMAND, current_index, render
from tests.scripts.deploy.conftest import CheckRun, messages
from tests.support.deployed_packages import packages_for
from tests.support.paths import ROOT

INDEX = Path("api") / "import_names.json"


def _edit_index(project: Path, **entries: list[str] | None) -> None:
    index = json.loads((project / INDEX).read_text(encoding="utf-8"))
    for module, names in entries.items():
        if names is None:
            del index[module]
        else:
            index[module] = names
    (project / INDEX).write_text(json.dumps(index), encoding="utf-8")


def _refresh(project: Path, python: str = sys.executable) -> str:
    command = [python, str(ROOT / "scripts" / "import_names.py"), "--root", str(project)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_committed_index_is_current() -> None:
    committed = (ROOT / INDEX).read_text(encoding="utf-8")
    assert committed == render(current_index(ROOT)), f"api/import_names.json is stale: run `{UPDATE_COMMAND}`"


def test_a_stale_index_fails_the_check_naming_the_command_that_updates_it(project: Path, check_deps: CheckRun) -> None:
    _edit_index(project, jose=None, passlib=["passlib"])  # an import added without refreshing; a wrong name
    code, document, _ = check_deps(project, "--only", "imports")
    assert code == 1
    errors = messages(document, "imports")
    assert len(errors) == 2, errors
    lacks, wrong = sorted(errors)
    assert "`jose` is installed by python-jose" in lacks and "the index lacks it" in lacks
    assert "`passlib` is installed by libpass" in wrong and "the index names passlib" in wrong
    assert all(f"run `{UPDATE_COMMAND}`" in error for error in errors)
    assert "updated api/import_names.json (jose, passlib)" in _refresh(project)
    assert check_deps(project, "--only", "imports")[0] == 0
    assert _refresh(project) == "api/import_names.json is current\n"


def test_a_removed_pin_keeps_its_mapping(project: Path) -> None:
    # `passlib` is only imported through a computed name: the index has it from libpass's pin. After
    # the pin is removed, that entry is what the deployed diagnosis needs to say `add libpass`.
    requirements = project / "api" / "requirements.txt"
    lines = requirements.read_text(encoding="utf-8").splitlines(keepends=True)
    requirements.write_text("".join(line for line in lines if not line.startswith("libpass==")), encoding="utf-8")
    assert _refresh(project) == "api/import_names.json is current\n"
    assert json.loads((project / INDEX).read_text(encoding="utf-8"))["passlib"] == ["libpass"]


def test_a_python_without_the_packages_leaves_the_index_as_committed(project: Path, bare_python: str) -> None:
    before = (project / INDEX).read_bytes()
    assert _refresh(project, bare_python) == "api/import_names.json is current\n"
    assert (project / INDEX).read_bytes() == before


def test_the_emulators_trees_ship_the_committed_index_as_it_is(tmp_path: Path) -> None:
    target: Target = deployed.this_machine(f"{sys.version_info[0]}.{sys.version_info[1]}")
    packages = packages_for(ROOT / "api", target)
    committed = (ROOT / INDEX).read_bytes()
    vercel = deployed.vercel_tree(ROOT / "api", packages, tmp_path / "vercel", target.python)
    assert (vercel / INDEX).read_bytes() == committed  # what `vercel build` bundles from api/
    lambda_root = deployed.lambda_tree(ROOT / "api", packages, tmp_path / "lambda", target.python)
    assert (lambda_root / INDEX.name).read_bytes() == committed
