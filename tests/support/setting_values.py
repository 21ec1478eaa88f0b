"""Values that failsafe's options and the backend's `Settings` must read alike.

Both read the same variables (`DEBUG`, `ENVIRONMENT`, the limits), so both test files take their
cases from here: a case added for one owner is checked for the other too.
"""

from __future__ import annotations

TRUE_VALUES = ["true", "TRUE", "1", "yes", "On", " on "]
FALSE_VALUES = ["false", "False", "0", "no", "OFF"]
NOT_BOOLEAN = ["maybe", "2", "y", "t", "enabled"]

# (environment variables, the environment they mean): unset means production wherever it runs.
ENVIRONMENTS = [
    ({}, "production"),
    ({"VERCEL": "1"}, "production"),
    ({"AWS_LAMBDA_FUNCTION_NAME": "f"}, "production"),
    ({"ENVIRONMENT": "development"}, "development"),
    ({"VERCEL": "1", "ENVIRONMENT": "development"}, "development"),
    ({"ENVIRONMENT": "Production"}, "production"),
]

# (variable, value) of limits that are not valid: failsafe keeps its default, Settings refuses them.
BAD_LIMITS = [
    ("MAX_BODY_BYTES", "1MB"),
    ("MAX_BODY_BYTES", "0"),
    ("REQUEST_TIMEOUT_S", "-1"),
    ("REQUEST_TIMEOUT_S", "inf"),
    ("REQUEST_TIMEOUT_S", "soon"),
    ("CORS_MAX_AGE_S", "-5"),
]
