"""The per-request access line: written directly in the default setup, a regular record otherwise,
the same JSON either way."""

from __future__ import annotations

import json
import logging

import pytest

from failsafe import logs
from tests.support.callers import make_caller
from tests.support.lambda_context import REQUEST_ID

FIELDS = {
    "method": "GET",
    "path": "/api/health",
    "status": 200,
    "duration_ms": 1.5,
    "cold_start": False,
    "platform": "lambda",
}


def only_our_handler(monkeypatch: pytest.MonkeyPatch) -> logging.Handler:
    """The production setup: pytest's own capture handlers taken off the `app` logger for this test."""
    logger = logs.configure("INFO")
    ours = [h for h in logger.handlers if isinstance(h, logs._StderrHandler)]
    monkeypatch.setattr(logger, "handlers", ours)
    assert len(ours) == 1
    return ours[0]


def test_direct_line_has_the_formatters_fields(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    handler = only_our_handler(monkeypatch)
    capfd.readouterr()
    with monkeypatch.context() as patch:
        patch.setattr(handler, "handle", None)  # the direct path never builds a record
        logs.access(logs.get_logger("request"), logging.INFO, FIELDS)
    direct = json.loads(capfd.readouterr().err)
    record = logging.LogRecord("app.request", logging.INFO, __file__, 1, "request", (), None)
    record.__dict__.update(FIELDS)
    formatted = json.loads(handler.format(record))
    assert direct.keys() == formatted.keys()
    assert {k: v for k, v in direct.items() if k != "timestamp"} == {
        k: v for k, v in formatted.items() if k != "timestamp"
    }
    assert direct["timestamp"][:16] == formatted["timestamp"][:16] and direct["timestamp"].endswith("+00:00")


def test_extra_handler_gets_a_record(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    only_our_handler(monkeypatch)
    records: list[logging.LogRecord] = []
    collector = logging.Handler()
    collector.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("app").handlers.append(collector)
    logs.access(logs.get_logger("request"), logging.INFO, FIELDS)
    assert len(records) == 1 and records[0].status == 200  # type: ignore[attr-defined]
    assert json.loads(capfd.readouterr().err.splitlines()[-1])["status"] == 200


def test_level_is_respected(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    only_our_handler(monkeypatch)
    monkeypatch.setattr(logging.getLogger("app"), "level", logging.WARNING)
    capfd.readouterr()
    logs.access(logs.get_logger("request"), logging.INFO, FIELDS)
    assert capfd.readouterr().err == ""


def test_handler_requests_log_one_line_each(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    only_our_handler(monkeypatch)
    caller = make_caller("http")
    capfd.readouterr()
    for path in ("/api/health", "/api/nope"):
        caller.request("GET", path)
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines()]
    assert [(line["path"], line["status"], line["request_id"]) for line in lines] == [
        ("/api/health", 200, REQUEST_ID),
        ("/api/nope", 404, REQUEST_ID),
    ]
