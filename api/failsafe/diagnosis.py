"""Turn a failed backend load into a diagnosis a person can act on, with secrets removed.

The diagnosis says what failed (`type`), where (`module`), what to do (`hint`), and which
requirements of `api/requirements.txt` are not installed at all. The traceback is kept apart so
the fallback shows it only to a caller allowed to see it.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import traceback
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from failsafe.requirements import requirement_names

# Import names whose distribution on PyPI has another name. A miss falls back to the import name
# with '_' -> '-', which is right for most packages.
DISTRIBUTIONS = {
    "jose": "python-jose",
    "jwt": "PyJWT",
    "multipart": "python-multipart",
    "python_multipart": "python-multipart",
    "dotenv": "python-dotenv",
    "dateutil": "python-dateutil",
    "yaml": "PyYAML",
    "PIL": "Pillow",
    "cv2": "opencv-python-headless",
    "sklearn": "scikit-learn",
    "bs4": "beautifulsoup4",
    "psycopg2": "psycopg2-binary",
    "psycopg": "psycopg[binary]",
    "argon2": "argon2-cffi",
    "Crypto": "pycryptodome",
    "email_validator": "email-validator",
    "pydantic_settings": "pydantic-settings",
    "pydantic_core": "pydantic-core",
    "google": "protobuf",
    "attr": "attrs",
    "magic": "python-magic",
    "OpenSSL": "pyOpenSSL",
    "jinja2": "Jinja2",
    "sqlalchemy": "SQLAlchemy",
}

# Parts of a namespace package that only an extra installs (the package itself comes with FastAPI):
# the hint names the extra. Imported when tracing is on (backend_app.core.tracing).
EXTRAS = {
    "opentelemetry.sdk": "fastapi[opentelemetry]",
    "opentelemetry.exporter": "fastapi[opentelemetry]",
    "opentelemetry.proto": "fastapi[opentelemetry]",
}

_URL_CREDENTIALS = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@")
_SECRET_NAME = r"[\w-]*(?:secret|password|passwd|pwd|token|api[_-]?key|private[_-]?key|credential)[\w-]*"  # noqa: S105
_SECRET_ASSIGNMENT = re.compile(rf"(?i)\b({_SECRET_NAME})(\s*[=:]\s*)(['\"]?)[^\s'\",;&]+\3")
_SECRET_ENV_NAME = re.compile(r"(?i)(secret|password|passwd|token|key|credential|database_url|redis_url|dsn)")


def distribution_for(module: str) -> str:
    top = module.split(".")[0]
    return DISTRIBUTIONS.get(top, top.replace("_", "-"))


def secret_values(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The values of variables with secret-like names (6 characters or more): masked wherever they appear."""
    return tuple(value for name, value in environ.items() if len(value) >= 6 and _SECRET_ENV_NAME.search(name))


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """Remove URL credentials, `name=value` pairs with secret-like names and `secrets` (by default
    the secret-looking values of the environment now)."""
    for value in secret_values(os.environ) if secrets is None else secrets:
        if value in text:
            text = text.replace(value, "***")
    text = _URL_CREDENTIALS.sub(r"\1***@", text)
    return _SECRET_ASSIGNMENT.sub(r"\1\2***", text)


def missing_requirements(requirements: Path) -> list[str]:
    missing = []
    for name in requirement_names(requirements):
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def _module_of_file(filename: str | None, api_dir: Path) -> str | None:
    if not filename:
        return None
    try:
        relative = Path(filename).resolve().relative_to(api_dir.resolve())
    except ValueError:
        return None
    parts = list(relative.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or None


def _raising_module(exc: BaseException, api_dir: Path) -> str | None:
    """The innermost module of ours (under api/) in the traceback."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        module = _module_of_file(frame.filename, api_dir)
        if module is not None:
            found = module
    return found


class Diagnosis(NamedTuple):
    type: str
    message: str
    module: str | None
    hint: str
    missing_requirements: list[str]
    traceback: str

    def public(self, *, with_traceback: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "message": self.message,
            "module": self.module,
            "hint": self.hint,
            "missing_requirements": self.missing_requirements,
        }
        if with_traceback:
            body["traceback"] = self.traceback
        return body


def diagnose(exc: BaseException, api_dir: Path, secrets: Iterable[str] | None = None) -> Diagnosis:
    missing = missing_requirements(api_dir / "requirements.txt")
    trace = redact("".join(traceback.format_exception(exc)), secrets)
    message = redact(f"{type(exc).__name__}: {exc}", secrets)
    variables = getattr(exc, "variables", None)
    if isinstance(variables, list | tuple) and variables:
        names = ", ".join(str(v) for v in variables)
        hint = f"set {names} to a valid value in the environment (see docs/configuration.md)"
        return Diagnosis("invalid_settings", message, _raising_module(exc, api_dir), hint, missing, trace)
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        part = next((p for p in EXTRAS if exc.name == p or exc.name.startswith(p + ".")), None)
        if part is not None:
            hint = f"add `{EXTRAS[part]}` to api/requirements.txt (pinned as the package is) and redeploy"
            return Diagnosis("missing_dependency", message, part, hint, missing, trace)
        missing_top = exc.name.split(".")[0]
        if (api_dir / missing_top).exists() or (api_dir / f"{missing_top}.py").exists():
            hint = f"`{exc.name}` is part of this project but was not importable; check the deployed files"
        else:
            hint = f"add `{distribution_for(missing_top)}` to api/requirements.txt and redeploy"
        return Diagnosis("missing_dependency", message, missing_top, hint, missing, trace)
    if isinstance(exc, SyntaxError):
        broken = _module_of_file(exc.filename, api_dir) or _raising_module(exc, api_dir)
        where = f"{exc.filename}:{exc.lineno}" if exc.filename else "the module"
        hint = f"fix the syntax error in {_short(where, api_dir)}"
        return Diagnosis("syntax_error", message, broken, hint, missing, trace)
    module = _raising_module(exc, api_dir)
    if isinstance(exc, SystemExit):
        message = redact(f"SystemExit: {exc.code!r}", secrets)
        hint = f"`{module}` called sys.exit() while being imported; raise an exception instead"
        return Diagnosis("system_exit", message, module, hint, missing, trace)
    if isinstance(exc, ImportError):
        hint = (
            f"`{exc.name or module}` could not be imported; check that api/requirements.txt pins a compatible version"
        )
        return Diagnosis("import_error", message, exc.name or module, hint, missing, trace)
    hint = f"`{module}` raised {type(exc).__name__} while loading; see the message (and the log for the traceback)"
    return Diagnosis("import_exception", message, module, hint, missing, trace)


def _short(where: str, api_dir: Path) -> str:
    parent = str(api_dir.resolve().parent) + os.sep
    return where.replace(parent, "")
