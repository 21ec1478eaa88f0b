"""The access line as a CloudWatch embedded-metric-format record: metrics without an SDK (opt in).

On Lambda with `METRICS_EMF=true`, the access line gains the members CloudWatch Logs reads as
metrics (specification: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
in the namespace `METRICS_NAMESPACE`:

    duration_ms    Milliseconds   per route and status class, and over all requests
    cold_starts    Count (0 or 1) over all requests

Dimensions are the route template (`/api/users/{user_id}`, never the path: a path holds ids) and
the status class (`2xx`...`5xx`). Every combination is a custom metric CloudWatch bills, so the
cardinality is the app's routes times five at most: a request no route matched (a 404, the
fallback) counts under one value, `UNMATCHED_ROUTE`.
"""

from __future__ import annotations

import time
from typing import Any

from failsafe.asgi import Scope

UNMATCHED_ROUTE = "unmatched"


def route_template(scope: Scope) -> str:
    """The template of the route that answered (Starlette puts it in the scope), or `UNMATCHED_ROUTE`."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) and template else UNMATCHED_ROUTE


class EmbeddedMetrics:
    def __init__(self, namespace: str) -> None:
        latency = {"Name": "duration_ms", "Unit": "Milliseconds"}
        self._directives = [
            {"Namespace": namespace, "Dimensions": [["route", "status_class"]], "Metrics": [latency]},
            {
                "Namespace": namespace,
                "Dimensions": [[]],
                "Metrics": [latency, {"Name": "cold_starts", "Unit": "Count"}],
            },
        ]

    def fields(self, scope: Scope, status: int, *, cold: bool) -> dict[str, Any]:
        """What the access line adds (it already holds `duration_ms`, a number)."""
        return {
            "_aws": {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": self._directives},
            "route": route_template(scope),
            "status_class": f"{status // 100}xx",
            "cold_starts": int(cold),
        }
