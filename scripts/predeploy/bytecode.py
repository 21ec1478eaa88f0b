"""Bytecode in a deployment tree: compile it for the target's Python, and count what carries it.

A function's code directory is read-only (Lambda's /var/task, Vercel's .func), so every module
without shipped bytecode is compiled again at every cold start: import + first /api/health of the
Lambda zip went from 565 ms to 242 ms with bytecode (bench/RESULTS.md). The bytecode is
hash-based and unchecked: a timestamp .pyc is only valid while its source keeps its exact mtime,
and Python's zipfile restores no mtime on extraction (how Lambda extracts is not documented).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from scripts.predeploy.interpreters import find_python

# A .pyc starts with a magic number and a flags word (PEP 552): bit 0 set = hash-based.
_HASH_BASED = 0b01


@dataclass(frozen=True)
class Coverage:
    """How many of a tree's modules carry bytecode for one Python (`cpython-312`)."""

    tag: str
    sources: int
    compiled: int
    hash_based: int

    @property
    def complete(self) -> bool:
        return self.sources > 0 and self.compiled == self.hash_based == self.sources

    def describe(self) -> str:
        if self.complete:
            return f"bytecode: {self.tag}, hash-based, for all {self.sources} modules"
        return (
            f"bytecode: {self.compiled} of {self.sources} modules carry {self.tag} bytecode "
            f"({self.hash_based} hash-based): the rest is compiled at every cold start"
        )


def tag_for(python_version: str) -> str:
    return "cpython-" + python_version.replace(".", "")


def no_interpreter(python_version: str) -> str:
    """Why a tree for `python_version` cannot get its bytecode here, and what to do."""
    v = python_version
    return (
        f"no Python {v} found (PATH or pyenv) to compile bytecode for the python{v} runtime: bytecode is "
        f"specific to a Python version, and without it every module is compiled again at each cold start "
        f"(the function's code directory is read-only). Install CPython {v} ('pyenv install {v}' or "
        f"'uv python install {v}') and run again"
    )


def compile_tree(tree: Path, python_version: str, only: list[Path] | None = None) -> str | None:
    """Compile every module of `tree` (or the files `only`) with a Python of the target's version; an error, or None."""
    python = find_python(python_version)
    if python is None:
        return no_interpreter(python_version)
    paths = [str(path) for path in only if path.suffix == ".py"] if only is not None else [str(tree)]
    if not paths:
        return None
    args = [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", *paths]
    done = subprocess.run(args, capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        return f"compileall with Python {python_version} failed:\n" + (done.stdout + done.stderr).strip()[-3000:]
    return None


def coverage(tree: Path, python_version: str) -> Coverage:
    tag = tag_for(python_version)
    sources = compiled = hash_based = 0
    for source in tree.rglob("*.py"):
        if "__pycache__" in source.parts:
            continue
        sources += 1
        pyc = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
        try:
            with pyc.open("rb") as handle:
                header = handle.read(8)
        except OSError:
            continue
        compiled += 1
        if len(header) == 8 and int.from_bytes(header[4:8], "little") & _HASH_BASED:
            hash_based += 1
    return Coverage(tag, sources, compiled, hash_based)
