"""Why an import failed, told apart so the hint names the right fix. Standard library only.

- `missing_dependency`: nothing pinned in api/requirements.txt provides the module: add the
  distribution its metadata names (`passlib` -> `libpass`).
- `absent_from_bundle`: a pinned distribution (or one a pinned distribution requires) is not in the
  deployed files: an exclude rule, a failed build step or a wrong upload; adding it again would not help.
- `incompatible_binary`: it is in the bundle but its compiled extension was built for another
  architecture or Python: the hint names both.
- `broken_package` / `import_error`: in the bundle, built for here, and still failing at import.

A library's ImportError for an optional extra (`email-validator is not installed, run
pip install 'pydantic[email]'`) or a RuntimeError that names `pip install ...` is read as the
missing import it stands for.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NamedTuple

from failsafe import distributions as dists
from failsafe.requirements import normalise

_PIP_INSTALL = re.compile(r"pip install\s+[\"'`]?([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[([A-Za-z0-9_,.-]+)\])?")
# Parts of a namespace package that only an extra installs (`opentelemetry` itself comes with
# FastAPI, so its metadata would name the wrong distribution): the hint names the extra. Imported
# when tracing is on (backend_app.core.tracing).
EXTRAS = {
    "opentelemetry.sdk": "fastapi[opentelemetry]",
    "opentelemetry.exporter": "fastapi[opentelemetry]",
    "opentelemetry.proto": "fastapi[opentelemetry]",
}
REBUILD = "rebuild and redeploy (check the build's log and the exclude rules: .vercelignore, excludeFiles)"


class Cause(NamedTuple):
    type: str
    module: str
    hint: str


def _missing_module(exc: BaseException) -> ModuleNotFoundError | None:
    """The ModuleNotFoundError behind `exc` (itself, or what a library caught and re-raised)."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, ModuleNotFoundError) and seen.name:
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _names_an_install(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "pip install" in text or "is not installed" in text or "to be installed" in text


def import_cause(exc: BaseException, api_dir: Path) -> Cause | None:
    """The cause of an import failure, or None when `exc` is no import failure."""
    if not isinstance(exc, ImportError) and not _names_an_install(exc):
        return None
    missing = _missing_module(exc)
    if missing is not None and missing.name:
        part = next((p for p in EXTRAS if missing.name == p or missing.name.startswith(p + ".")), None)
        if part is not None:
            hint = f"add `{EXTRAS[part]}` to api/requirements.txt (pinned as the package is) and redeploy"
            return Cause("missing_dependency", part, hint)
        return _module_cause(missing.name, api_dir, missing)
    wanted = _PIP_INSTALL.search(str(exc))
    if wanted is not None:
        return _extra_cause(wanted.group(1), wanted.group(2), api_dir)
    if isinstance(exc, ImportError):
        module = _module_of_path(exc.path) or exc.name
        if module:
            return _failing(module, exc, api_dir)
    return None


def _module_of_path(path: str | None) -> str | None:
    """The top-level package a failing file (a compiled extension) belongs to: its folder's name
    under the nearest sys.path entry (Vercel's `_vendor` sits inside the project root, also on it)."""
    if not path:
        return None
    failing = Path(path).resolve()
    found: list[tuple[str, ...]] = []
    for entry in sys.path:
        try:
            found.append(failing.relative_to(Path(entry or ".").resolve()).parts)
        except (ValueError, OSError):
            continue
    nearest = min(found, key=len, default=())
    return nearest[0].split(".")[0] if nearest else None


def _module_cause(module: str, api_dir: Path, exc: ImportError) -> Cause:
    top = module.split(".")[0]
    if (api_dir / top).exists() or (api_dir / f"{top}.py").exists():
        hint = f"`{module}` is part of this project but was not importable; check the deployed files"
        return Cause("missing_dependency", top, hint)
    dist = dists.distribution_for(top, api_dir)
    if module != top and dists.installed_version(dist) is not None and dists.ships_module(dist, top):
        return _failing(module, exc, api_dir)  # the package is there; a part of it does not import
    if normalise(dist) in dists.pinned(api_dir):
        hint = f"`{dist}` is pinned in api/requirements.txt but `{top}` is not in the deployed bundle: {REBUILD}"
        return Cause("absent_from_bundle", top, hint)
    needed_by = dists.requirers(dist, api_dir)
    if needed_by:
        hint = (
            f"`{dist}` (required by {', '.join(f'`{name}`' for name in needed_by)}, pinned in "
            f"api/requirements.txt) is not in the deployed bundle: {REBUILD}"
        )
        return Cause("absent_from_bundle", top, hint)
    provides = "" if normalise(dist) == normalise(top) else f" (it provides `{top}`)"
    return Cause("missing_dependency", top, f"add `{dist}` to api/requirements.txt{provides} and redeploy")


def _extra_cause(dist: str, extras: str | None, api_dir: Path) -> Cause:
    """`pip install 'pydantic[email]'`: name what the extra adds (from pydantic's metadata) to pin."""
    needed = [name for extra in (extras or "").split(",") if extra for name in dists.extra_requirements(dist, extra)]
    if not needed:
        return _module_cause(dist.replace("-", "_"), api_dir, ImportError(dist))
    names = ", ".join(f"`{name}`" for name in needed)
    hint = f"`{dist}[{extras}]` needs {names}: add {names} to api/requirements.txt and redeploy"
    return Cause("missing_dependency", needed[0].replace("-", "_").lower(), hint)


def _failing(module: str, exc: ImportError, api_dir: Path) -> Cause:
    """The distribution is in the bundle and still does not import: built for elsewhere, or broken."""
    top = module.split(".")[0]
    dist = dists.distribution_for(top, api_dir)
    version = dists.installed_version(dist)
    built = dists.built_for(dist)
    named = f"`{dist}` {version}" if version else f"`{dist}`"
    if built is not None and not built.fits_here():
        hint = (
            f"{named} in the bundle is built for {built.describe()}, but this function runs on "
            f"{dists.running()}: build the bundle for the function's architecture and Python "
            "(scripts/package_lambda.py --arch/--python, the function's Architectures in template.yaml)"
        )
        return Cause("incompatible_binary", top, hint)
    if isinstance(exc, ModuleNotFoundError):
        hint = (
            f"{named} is in the bundle but `{module}` does not import from it: a broken or partial install; {REBUILD}"
        )
        return Cause("broken_package", top, hint)
    hint = f"{named} failed while being imported ({exc}); pin a version that works with the others"
    return Cause("import_error", top, hint)
