"""The import-failure matrix: each way a backend can fail to load, through every entry point.

Failures are made for real (a broken copy of api/, or a package on the front of sys.path that
raises ModuleNotFoundError the way a missing one does), one subprocess per kind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.failsafe.conftest import drive, shadow_missing
from tests.support.environment import development_environ
from tests.support.paths import ROOT
from tests.support.template import add_backend_import, add_import, copy_project


@dataclass
class Case:
    type: str
    module: str
    hint: str
    broken_source: str | None = None
    shadow: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    absent: tuple[str, ...] = ()  # strings that must appear nowhere in what a client sees
    missing_import_in: str | None = None  # a module of api/ that gets `import notinstalledpkg`


def absent_hint(module: str, dist: str) -> str:
    """A pinned package the function cannot import (here: shadowed) is missing from what was deployed."""
    return f"`{dist}` is pinned in api/requirements.txt but `{module}` is not in the deployed bundle"


CASES = {
    "pinned package not importable": Case(
        "absent_from_bundle",
        "jose",
        "`python-jose` is pinned in api/requirements.txt but `jose` is not in the deployed bundle",
        broken_source="import jose  # noqa: F401\n",
        shadow=("jose",),
    ),
    "syntax error": Case(
        "syntax_error",
        "backend_app.routes.broken",
        "backend_app/routes/broken.py",
        broken_source="def handler(:\n    pass\n",
    ),
    "RuntimeError at import": Case(
        "import_exception",
        "backend_app.routes.broken",
        "RuntimeError",
        broken_source='raise RuntimeError("cannot reach postgres://admin:hunter2secret@db.internal/app")\n',
        absent=("hunter2secret",),
    ),
    "SystemExit at import": Case(
        "system_exit", "backend_app.routes.broken", "sys.exit()", broken_source="import sys\nsys.exit(3)\n"
    ),
    "invalid setting": Case(
        "invalid_settings", "backend_app.core.config", "DEBUG", env={"DEBUG": "maybe-ish"}, absent=("maybe-ish",)
    ),
    "FastAPI not importable": Case(
        "absent_from_bundle", "fastapi", absent_hint("fastapi", "fastapi"), shadow=("fastapi",)
    ),
    "Mangum not importable": Case("absent_from_bundle", "mangum", absent_hint("mangum", "mangum"), shadow=("mangum",)),
}

# A deploy's settings, never contacted at load: the backend imports what they configure.
SQLITE = {"ENVIRONMENT": "production", "SECRET_KEY": "s" * 32, "DATABASE_URL": "sqlite:///unused.sqlite3"}
POSTGRES = {**SQLITE, "DATABASE_URL": "postgresql://app@127.0.0.1:1/app"}
REDIS = {**SQLITE, "REDIS_URL": "redis://127.0.0.1:1/0"}
# Each pinned package the configured backend imports itself, not importable: (module, distribution,
# settings). The distribution is the one whose metadata installs the module (`passlib`: libpass).
PACKAGES = [
    ("jose", "python-jose", SQLITE),
    ("passlib", "libpass", {**SQLITE, "PASSWORD_LEGACY_BCRYPT": "true"}),
    ("argon2", "argon2-cffi", SQLITE),
    ("bcrypt", "bcrypt", {**SQLITE, "PASSWORD_LEGACY_BCRYPT": "true"}),
    ("python_multipart", "python-multipart", SQLITE),
    ("aiosqlite", "aiosqlite", SQLITE),
    ("asyncpg", "asyncpg", POSTGRES),
    ("redis", "redis", REDIS),
    ("limits", "limits", REDIS),
]
for module, dist, settings in PACKAGES:
    name = f"{module} not importable" + "".join(
        f" with {key}" for key in ("REDIS_URL", "PASSWORD_LEGACY_BCRYPT") if key in settings
    )
    CASES[name] = Case("absent_from_bundle", module, absent_hint(module, dist), shadow=(module,), env=settings)
# Every router module, and a module of each backend package, with an import that cannot succeed.
for path in (
    "routes/health.py",
    "routes/auth.py",
    "routes/users.py",
    "routes/password.py",
    "routes/admin.py",
    "routes/docs.py",
    "core/tokens.py",
    "db/sqlite.py",
    "stores/users.py",
):
    CASES[f"missing import in {path}"] = Case(
        "missing_dependency",
        "notinstalledpkg",
        "add `notinstalledpkg` to api/requirements.txt",
        missing_import_in=path,
        env=SQLITE,
    )


def check_diagnosis(diagnosis: dict[str, Any], case: Case) -> None:
    assert diagnosis["type"] == case.type
    assert diagnosis["module"] == case.module
    assert case.hint in diagnosis["hint"]
    assert isinstance(diagnosis["missing_requirements"], list)
    assert "traceback" not in diagnosis  # only with DEBUG or the diagnostics token


def check_shape(fmt: str, raw: dict[str, Any]) -> None:
    assert isinstance(raw["statusCode"], int) and isinstance(raw["body"], str)
    if fmt == "rest":
        assert "multiValueHeaders" in raw
    elif fmt == "alb":
        assert raw["statusDescription"].startswith(str(raw["statusCode"]))
    else:
        assert "multiValueHeaders" not in raw and "statusDescription" not in raw


def check_responses(health: dict[str, Any], status: dict[str, Any], other: dict[str, Any], case: Case) -> None:
    assert health["status"] == 503
    assert health["body"]["status"] == "unhealthy" and health["body"]["backend_loaded"] is False
    check_diagnosis(health["body"]["diagnosis"], case)
    assert status["status"] == 200
    assert status["body"]["backend_loaded"] is False and status["body"]["status"] == "unhealthy"
    check_diagnosis(status["body"]["diagnosis"], case)
    assert other["status"] == 503
    assert other["body"]["error"]["code"] == "backend_unavailable"
    # Under a REST stage the link carries the stage (/prod/api/status), so it works when followed.
    assert other["body"]["error"]["status_url"].endswith("/api/status")
    assert other["body"]["error"]["request_id"]


@pytest.mark.parametrize("name", list(CASES))
def test_backend_failure_is_diagnosed_on_every_entry_point(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    root = ROOT
    if case.broken_source is not None:
        root = copy_project(tmp_path, public=False)
        add_backend_import(root, case.broken_source)
    if case.missing_import_in is not None:
        root = copy_project(tmp_path, public=False)
        add_import(root / "api" / "backend_app" / case.missing_import_in, "import notinstalledpkg  # noqa: F401\n")
    env = development_environ(**case.env)
    if case.shadow:
        env["PYTHONPATH"] = str(shadow_missing(tmp_path, *case.shadow))
    results, stderr = drive(root, env)

    asgi = results["asgi"]
    check_responses(asgi["/api/health"], asgi["/api/status"], asgi["/api/anything"], case)
    for fmt, responses in results["lambda"].items():
        check_responses(responses["/api/health"], responses["/api/status"], responses["/api/anything"], case)
        for response in responses.values():
            check_shape(fmt, response["raw"])
    # Logged once at ERROR, as JSON, so log-based alarms fire.
    errors = [json.loads(line) for line in stderr.splitlines() if line.startswith("{") and '"ERROR"' in line]
    load_failures = [e for e in errors if e.get("event") == "backend_load_failed"]
    assert len(load_failures) == 1 and load_failures[0]["level"] == "ERROR"
    assert load_failures[0]["traceback"].startswith("Traceback")
    everything = json.dumps(results) + stderr
    for secret in case.absent:
        assert secret not in everything


def test_traceback_is_shown_with_debug_or_the_diagnostics_token(tmp_path: Path) -> None:
    root = copy_project(tmp_path, public=False)
    add_backend_import(root, 'raise RuntimeError("boom at import")\n')
    token = "diag-token-0123456789-0123456789-0123"
    plain, _ = drive(root, development_environ(DIAGNOSTICS_TOKEN=token))
    assert "traceback" not in plain["asgi"]["/api/status"]["body"]["diagnosis"]
    wrong, _ = drive(root, development_environ(DIAGNOSTICS_TOKEN=token), headers={"X-Diagnostics-Token": "wrong-token"})
    assert "traceback" not in wrong["asgi"]["/api/status"]["body"]["diagnosis"]
    with_token, _ = drive(root, development_environ(DIAGNOSTICS_TOKEN=token), headers={"X-Diagnostics-Token": token})
    assert "boom at import" in with_token["asgi"]["/api/status"]["body"]["diagnosis"]["traceback"]
    assert "boom at import" in with_token["lambda"]["http"]["/api/status"]["body"]["diagnosis"]["traceback"]
    debug, _ = drive(root, development_environ(DEBUG="on"))
    assert "Traceback" in debug["asgi"]["/api/health"]["body"]["diagnosis"]["traceback"]


def test_a_pinned_distribution_that_is_not_installed_is_absent_from_the_bundle(tmp_path: Path) -> None:
    root = copy_project(tmp_path, public=False)
    requirements = root / "api" / "requirements.txt"
    requirements.write_text(requirements.read_text() + "definitely-not-installed-dist==1.0\n")
    add_backend_import(root, "import definitely_not_installed_dist  # noqa: F401\n")
    results, _ = drive(root, development_environ())
    diagnosis = results["asgi"]["/api/status"]["body"]["diagnosis"]
    assert diagnosis["missing_requirements"] == ["definitely-not-installed-dist"]
    assert diagnosis["module"] == "definitely_not_installed_dist"
    assert diagnosis["type"] == "absent_from_bundle"
    assert absent_hint("definitely_not_installed_dist", "definitely-not-installed-dist") in diagnosis["hint"]
    assert "add `" not in diagnosis["hint"]  # it is pinned already: adding it again would change nothing


def test_healthy_backend_through_the_same_driver() -> None:
    results, _ = drive(ROOT, development_environ())
    assert results["asgi"]["/api/health"]["status"] == 200
    assert results["asgi"]["/api/anything"]["body"]["error"]["code"] == "not_found"
    for responses in results["lambda"].values():
        assert responses["/api/health"]["body"] == {"status": "healthy", "backend_loaded": True}
        assert responses["/api/status"]["body"]["backend_loaded"] is True


def test_a_missing_mangum_is_the_diagnosis_on_lambda_and_harmless_on_vercel(tmp_path: Path) -> None:
    shadow = str(shadow_missing(tmp_path, "mangum"))
    on_lambda, _ = drive(ROOT, {**development_environ(AWS_LAMBDA_FUNCTION_NAME="fn"), "PYTHONPATH": shadow})
    for responses in on_lambda["lambda"].values():
        check_responses(
            responses["/api/health"],
            responses["/api/status"],
            responses["/api/anything"],
            CASES["Mangum not importable"],
        )
    on_vercel, _ = drive(ROOT, {**development_environ(VERCEL="1"), "PYTHONPATH": shadow})
    assert on_vercel["asgi"]["/api/health"]["status"] == 200
    assert on_vercel["asgi"]["/api/status"]["body"]["backend_loaded"] is True


def test_mangum_is_imported_at_load_off_vercel_and_never_on_vercel() -> None:
    on_lambda, _ = drive(ROOT, development_environ(AWS_LAMBDA_FUNCTION_NAME="fn"))
    assert "mangum" in on_lambda["modules_at_import"]  # in the init phase, not on the first request
    on_vercel, _ = drive(ROOT, development_environ(VERCEL="1"))
    assert on_vercel["asgi"]["/api/health"]["status"] == 200
    assert "mangum" not in on_vercel["modules"]  # not even after the handler served the Lambda events
