"""One catalogue of error codes: the backend's errors and docs/errors.md's table hold exactly its codes."""

from __future__ import annotations

import importlib
import pkgutil
import re

import backend_app
from backend_app.core.errors import HTTP_CODES, AppError
from failsafe import catalogue
from tests.support.paths import ROOT

TABLE_HEADER = "| status | code | when |"
CODE = re.compile(r"`([a-z_]+)`")


def app_errors() -> set[type[AppError]]:
    """Every `AppError` class of the backend, its modules all imported."""
    for module in pkgutil.walk_packages(backend_app.__path__, "backend_app."):
        importlib.import_module(module.name)
    found: set[type[AppError]] = set()
    pending = [AppError]
    while pending:
        error = pending.pop()
        found.add(error)
        pending.extend(error.__subclasses__())
    return {error for error in found if error.__module__.startswith("backend_app.")}


def documented() -> list[tuple[int, str]]:
    """(status, code) of each code in the table of docs/errors.md, in the order written."""
    lines = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(TABLE_HEADER) + 2  # past the header and its |---| line
    rows: list[tuple[int, str]] = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        status, codes = (cell.strip() for cell in line.strip("|").split("|")[:2])
        rows += [(int(status), code) for code in CODE.findall(codes)]
    return rows


def test_each_app_error_is_a_catalogue_entry() -> None:
    errors = app_errors()
    assert len(errors) > 10  # the walk found the backend's errors, not just the root
    for error in errors:
        entry = catalogue.BY_CODE.get(error.code)
        assert entry is not None, f"{error.__name__}: `{error.code}` is not in failsafe.catalogue"
        assert (error.status_code, error.message) == (entry.status, entry.message), error.__name__


def test_the_http_error_codes_are_catalogue_entries() -> None:
    for status, code in HTTP_CODES.items():
        assert catalogue.BY_CODE[code].status == status


def table_problems(rows: list[tuple[int, str]]) -> list[str]:
    """What is wrong with the table against the catalogue: codes missing, unknown, twice, or at another status."""
    codes = [code for _, code in rows]
    problems = [f"`{code}` is not in the table" for code in catalogue.BY_CODE if code not in codes]
    problems += [f"`{code}` is not in failsafe.catalogue" for code in codes if code not in catalogue.BY_CODE]
    problems += [f"`{code}` is listed twice" for code in sorted(set(codes)) if codes.count(code) > 1]
    problems += [
        f"`{code}` is answered with {catalogue.BY_CODE[code].status}, not {status}"
        for status, code in rows
        if code in catalogue.BY_CODE and catalogue.BY_CODE[code].status != status
    ]
    return problems


def test_the_docs_table_lists_every_code_once_with_its_status() -> None:
    assert table_problems(documented()) == []


def test_a_code_missing_from_the_table_or_unknown_to_the_catalogue_is_found() -> None:
    rows = documented()
    (status, first), rest = rows[0], rows[1:]
    assert table_problems(rest) == [f"`{first}` is not in the table"]
    assert table_problems([*rows, (400, "no_such_code")]) == ["`no_such_code` is not in failsafe.catalogue"]
    assert table_problems([(status + 1, first), *rest]) == [f"`{first}` is answered with {status}, not {status + 1}"]
