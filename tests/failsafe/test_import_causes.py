"""The causes of an import failure, told apart from the exception and distributions' metadata."""

from __future__ import annotations

import shutil
from pathlib import Path

from failsafe.import_causes import import_cause
from tests.support.paths import ROOT


def api_without(tmp_path: Path, *names: str) -> Path:
    """An api/ folder whose requirements.txt lacks the pins of `names` (nothing else is needed)."""
    api = tmp_path / "api"
    api.mkdir()
    lines = (ROOT / "api" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not any(line.startswith(f"{name}==") for name in names)]
    (api / "requirements.txt").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return api


def raised(outer: BaseException, inner: BaseException | None = None) -> BaseException:
    """`outer` as a library raises it: while handling `inner`, when given."""
    try:
        try:
            if inner is not None:
                raise inner
        except BaseException:
            raise outer from None
        raise outer
    except BaseException as exc:
        return exc


def test_an_extras_message_names_what_the_extra_adds() -> None:
    exc = raised(ImportError("email-validator is not installed, run `pip install 'pydantic[email]'`"))
    cause = import_cause(exc, ROOT / "api")
    assert cause is not None and cause.type == "missing_dependency"
    assert "`email-validator`" in cause.hint and "api/requirements.txt" in cause.hint


def test_a_library_error_that_caught_the_missing_import_names_its_distribution(tmp_path: Path) -> None:
    # FastAPI's check for the form parser: a RuntimeError raised while handling the ImportError.
    message = 'Form data requires "python-multipart" to be installed.\npip install python-multipart'
    exc = raised(RuntimeError(message), ModuleNotFoundError("No module named 'multipart'", name="multipart"))
    cause = import_cause(exc, api_without(tmp_path, "python-multipart"))
    assert cause is not None
    assert (cause.type, cause.module) == ("missing_dependency", "multipart")
    assert "add `python-multipart` to api/requirements.txt" in cause.hint


def test_a_dependency_of_a_pin_missing_from_the_bundle_names_the_pin() -> None:
    exc = raised(ModuleNotFoundError("No module named 'ecdsa'", name="ecdsa"))
    cause = import_cause(exc, ROOT / "api")
    assert cause is not None and cause.type == "absent_from_bundle"
    assert "`ecdsa` (required by `python-jose`" in cause.hint


def test_an_error_that_is_no_import_failure_has_no_import_cause() -> None:
    assert import_cause(raised(RuntimeError("database unreachable")), ROOT / "api") is None


def test_a_module_of_the_project_is_not_sent_to_requirements(tmp_path: Path) -> None:
    api = api_without(tmp_path)
    shutil.copytree(ROOT / "api" / "failsafe", api / "failsafe")
    cause = import_cause(raised(ModuleNotFoundError("No module named 'failsafe.x'", name="failsafe.x")), api)
    assert cause is not None and "part of this project" in cause.hint
