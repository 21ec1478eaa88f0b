"""Whether the template's own modules were loaded from bytecode, for /api/status.

A deployed function's code directory is read-only (Lambda's /var/task, Vercel's .func), so a module
without valid shipped bytecode is compiled again at every cold start. The check reads each module's
.pyc header where the import system looked for it (`__spec__.cached`, which honours
PYTHONPYCACHEPREFIX): a hash-based .pyc (unchecked, or checked and matching its source) or a
timestamp .pyc matching its source's mtime and size is what the import used.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterable
from types import ModuleType

# The template's own top-level modules: `index` on Lambda (task root = api/), `api.index` on Vercel.
OWN_PACKAGES = ("failsafe", "backend_app", "index", "api")

_FLAG_HASH_BASED = 0b01
_FLAG_CHECK_SOURCE = 0b10

# What a missing bytecode costs and how each platform's build ships it (bench/RESULTS.md).
COST = "compiling them again costs ~300 ms per cold start (2.3x the time to the first response)"
FIX = {
    "lambda": "build with scripts/package_lambda.py or `sam build` with this template.yaml (both compile "
    "hash-based bytecode for the runtime's Python)",
    "vercel": "set the environment variable VERCEL_PYTHON_COMPILEALL=1 in the project's settings "
    "(vercel.json passes it to `vercel deploy` builds) and redeploy",
    "local": "the code directory is read-only or PYTHONDONTWRITEBYTECODE is set; a deploy ships bytecode "
    "(scripts/package_lambda.py, `sam build`, VERCEL_PYTHON_COMPILEALL=1)",
}


def own_modules(modules: Iterable[object]) -> list[ModuleType]:
    """The template's modules among `modules` (sys.modules may also hold None, to block an import)."""
    return [
        module
        for module in modules
        if isinstance(module, ModuleType)
        and module.__name__.partition(".")[0] in OWN_PACKAGES
        and getattr(module, "__spec__", None) is not None
    ]


def _pyc_is_valid(source: str, cached: str) -> bool:
    try:
        with open(cached, "rb") as handle:
            header = handle.read(16)
    except OSError:
        return False
    if len(header) < 16 or header[:4] != importlib.util.MAGIC_NUMBER:
        return False
    flags = int.from_bytes(header[4:8], "little")
    try:
        if flags & _FLAG_HASH_BASED:
            if not flags & _FLAG_CHECK_SOURCE:
                return True
            with open(source, "rb") as handle:
                return importlib.util.source_hash(handle.read()) == header[8:16]
        stat = os.stat(source)
    except OSError:
        return False
    mtime, size = int.from_bytes(header[8:12], "little"), int.from_bytes(header[12:16], "little")
    return mtime == int(stat.st_mtime) & 0xFFFFFFFF and size == stat.st_size & 0xFFFFFFFF


def from_bytecode(module: ModuleType) -> bool:
    spec = module.__spec__
    origin = getattr(spec, "origin", None)
    if not isinstance(origin, str) or not origin.endswith(".py"):
        # A sourceless .pyc was nothing but bytecode; a namespace package has no code to compile.
        return True
    cached = getattr(spec, "cached", None)
    return isinstance(cached, str) and _pyc_is_valid(origin, cached)


def loaded_from_bytecode(modules: Iterable[object] | None = None) -> bool:
    """True when every loaded module of the template had valid bytecode to load from."""
    loaded = own_modules(list(sys.modules.values()) if modules is None else modules)
    return all(from_bytecode(module) for module in loaded)


def warning(platform: str) -> str:
    return f"the template's modules were not loaded from bytecode: {COST}; {FIX.get(platform, FIX['local'])}"
