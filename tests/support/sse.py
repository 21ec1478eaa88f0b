"""Server-sent events as a client reads them: whole bodies parsed, or one event at a time off a stream."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any


def _field(event: dict[str, Any], line: str) -> None:
    if not line or line.startswith(":"):  # a comment (keep-alive ping)
        return
    name, _, value = line.partition(":")
    value = value.removeprefix(" ")
    if name == "data":
        event["data"] = f"{event['data']}\n{value}" if "data" in event else value
    else:
        event[name] = value


def _decoded(event: dict[str, Any]) -> dict[str, Any]:
    if "data" in event:
        event["data"] = json.loads(event["data"])
    return event


def parse(body: bytes) -> list[dict[str, Any]]:
    """Every event of a complete `text/event-stream` body, `data` decoded from JSON."""
    events = []
    for block in body.decode("utf-8").replace("\r\n", "\n").split("\n\n"):
        event: dict[str, Any] = {}
        for line in block.split("\n"):
            _field(event, line)
        if event:
            events.append(_decoded(event))
    return events


def lines_of(readline: Callable[[], bytes]) -> Iterator[str]:
    """The lines of an open stream (`http.client`'s `readline`), without their endings, until it ends."""
    while raw := readline():
        yield raw.decode("utf-8").rstrip("\r\n")


def next_event(lines: Iterator[str]) -> dict[str, Any] | None:
    """The next event off an open stream's lines (comments skipped), or None when the stream ended first."""
    event: dict[str, Any] = {}
    for line in lines:
        if line:
            _field(event, line)
        elif event:
            return _decoded(event)
    return _decoded(event) if event else None
