"""One catalogue of error codes: the backend's errors and docs/errors.md's table hold exactly its codes."""

from __future__ import annotations

import importlib
import pkgutil
import re

import httpx
import pytest
from fastapi import HTTPException

import backend_app
from backend_app.core.config import Settings
from backend_app.core.errors import HTTP_CODES, AppError
from backend_app.main import create_app
from backend_app.services.container import services_of
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
    """(status, code) of each code with a status of its own in docs/errors.md's table, in the order written."""
    return [(int(status), code) for status, code in table_rows() if status != "any"]


def table_rows() -> list[tuple[str, str]]:
    """(status cell, code) of each code in the table of docs/errors.md, in the order written."""
    lines = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(TABLE_HEADER) + 2  # past the header and its |---| line
    rows: list[tuple[str, str]] = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        status, codes = (cell.strip() for cell in line.strip("|").split("|")[:2])
        rows += [(status, code) for code in CODE.findall(codes)]
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


def test_the_code_for_any_other_http_status_is_the_one_the_table_lists_as_any() -> None:
    assert [code for status, code in table_rows() if status == "any"] == [catalogue.OTHER_HTTP_ERROR]
    assert catalogue.OTHER_HTTP_ERROR not in catalogue.BY_CODE


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


@pytest.mark.anyio
async def test_an_http_exception_with_a_status_of_no_code_is_answered_with_that_status_and_http_error(
    settings: Settings,
) -> None:
    app = create_app(settings)

    @app.get("/api/busy")
    async def busy() -> None:
        raise HTTPException(409, "The resource is busy.")

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        reply = await client.get("/api/busy")
    await services_of(app).stop()
    assert reply.status_code == 409
    error = reply.json()["error"]
    assert (error["code"], error["message"]) == (catalogue.OTHER_HTTP_ERROR, "The resource is busy.")
