"""Schemathesis against /api/openapi.json, driving the ASGI app in-process: no 5xx, every response
matches the schema (statuses, content types, bodies), and every operation answers 2xx at least once.

The user fixture signs up and logs in when the schema has auth routes, so protected operations are
exercised as a signed-in user and not only rejected with 401.
"""

from __future__ import annotations

import os
from collections import defaultdict
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from tests.hardening.conftest import make_caller

STATUSES: dict[str, set[int]] = defaultdict(set)


# Module level: schemathesis 4.32's `from_fixture` does not run under pytest 9 (it reads `Function._nodeid`).
APP = make_caller("asgi").gate
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=os.environ.get("CI") == "true"
)
def test_api_conforms_to_its_schema(case: Any) -> None:
    response = case.call_and_validate()
    STATUSES[f"{case.method.upper()} {case.path}"].add(response.status_code)
    assert response.status_code < 500


def test_every_operation_answered_2xx() -> None:
    operations = {f"{op.method.upper()} {op.path}" for op in (r.ok() for r in schema.get_all_operations())}
    assert operations and operations <= set(STATUSES), operations - set(STATUSES)
    missing = {op for op in operations if not any(200 <= s < 300 for s in STATUSES[op])}
    assert not missing, {op: STATUSES[op] for op in missing}
