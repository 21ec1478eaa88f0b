"""Build a deployment tree from binary wheels for a target (Python, architecture), and measure it.

`pip install --platform ... --only-binary=:all:` fetches what Lambda and Vercel would run, from
any machine: nothing is built from source, so a package without a wheel for the target fails here
and not at deploy time. Used by the `bundle` check and by scripts/package_lambda.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from scripts.predeploy.bytecode import compile_tree
from scripts.predeploy.cache import cache_key, cache_root, cached

MIB = 1024 * 1024
# Lambda's Python runtimes this template builds for (python3.14 since November 2025); template.yaml's
# PythonRuntime allows the same. Every pin of api/requirements.txt has wheels for each.
LAMBDA_PYTHONS = ("3.12", "3.13", "3.14")
# manylinux2014 (glibc 2.17) is what most wheels carry; 2_28 admits wheels that dropped it.
# Lambda's python3.12-3.14 (Amazon Linux 2023) and Vercel's build image have glibc 2.34.
PLATFORMS = {
    "x86_64": ("manylinux2014_x86_64", "manylinux_2_28_x86_64"),
    "aarch64": ("manylinux2014_aarch64", "manylinux_2_28_aarch64"),
}
# What users call the architectures (Lambda says arm64) -> pip's platform suffix.
ARCH_ALIASES = {"arm64": "aarch64", "aarch64": "aarch64", "x86_64": "x86_64", "amd64": "x86_64"}
# This interpreter's pip, quiet.
PIP_INSTALL = (sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check")
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", "tests"}


@dataclass(frozen=True)
class Target:
    python: str  # "3.12"
    arch: str  # "x86_64" | "aarch64"

    @property
    def label(self) -> str:
        return f"python{self.python}-{self.arch}"


class NoWheelsError(Exception):
    """pip found no binary wheel for the target for some pin; the message is pip's stderr."""


def build_tree(api: Path, target: Target, tree: Path) -> str | None:
    """Wheels, `api/` and bytecode for `target` in `tree` (emptied first): what the function runs.

    Raises NoWheelsError when a pin has no binary wheel for the target; returns why the bytecode
    could not be compiled (the tree is complete but slow to start), or None.
    """
    fresh_dir(tree)
    root = cache_root()
    if root is None:
        install_compiled_wheels(api / "requirements.txt", target, tree, compile_them=False)
        copy_code(api, tree)
        return compile_tree(tree, target.python)
    # PREDEPLOY_CACHE_DIR (scripts/predeploy/cache.py): the compiled wheels once per pins and target.
    requirements = (api / "requirements.txt").read_bytes()
    key = cache_key("wheels", target.label, repr(PLATFORMS[target.arch]), requirements)
    packages, wheels_error = cached(
        root, key, lambda into: install_compiled_wheels(api / "requirements.txt", target, into)
    )
    shutil.copytree(packages, tree, symlinks=True, dirs_exist_ok=True)
    code = copy_code(api, tree)
    return wheels_error or compile_tree(tree, target.python, code)


def install_compiled_wheels(requirements: Path, target: Target, into: Path, compile_them: bool = True) -> str | None:
    """The pins' binary wheels for `target` in `into`, compiled with `compile_them`: why not, or None."""
    done = install_wheels(requirements, target, into)
    if done.returncode != 0:
        raise NoWheelsError(done.stderr.strip())
    return compile_tree(into, target.python) if compile_them else None


def install_wheels(requirements: Path, target: Target, into: Path) -> subprocess.CompletedProcess[str]:
    platforms = [arg for platform in PLATFORMS[target.arch] for arg in ("--platform", platform)]
    for_target = ["--only-binary=:all:", "--implementation", "cp", "--python-version", target.python, *platforms]
    args = [*PIP_INSTALL, "--no-compile", *for_target, "--target", str(into), "-r", str(requirements)]
    return subprocess.run(args, capture_output=True, text=True, timeout=900, check=False)


def copy_code(api: Path, into: Path) -> list[Path]:
    """The function's own code (api/ without caches and tests) at the root of the bundle; the files copied."""
    copied = []
    for path in sorted(api.rglob("*")):
        relative = path.relative_to(api)
        if any(part in SKIP_DIRS or part.startswith(".") for part in relative.parts) or path.suffix == ".pyc":
            continue
        if path.is_file():
            (into / relative).parent.mkdir(parents=True, exist_ok=True)
            copied.append(Path(shutil.copy2(path, into / relative)))
    return copied


def zip_tree(tree: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in sorted(tree.rglob("*")):
            if path.is_file():  # __pycache__ too: the bytecode compiled for the target
                zf.write(path, path.relative_to(tree))


def tree_bytes(tree: Path) -> int:
    return sum(p.stat().st_size for p in tree.rglob("*") if p.is_file() and not p.is_symlink())


def largest_packages(tree: Path, count: int = 10) -> list[tuple[str, int]]:
    """Top-level entries by size; a distribution's metadata folder counts with its package."""
    sizes: dict[str, int] = defaultdict(int)
    for entry in tree.iterdir():
        name = entry.name
        if name.endswith((".dist-info", ".data")):
            name = name.split("-")[0].lower()
        size = tree_bytes(entry) if entry.is_dir() else entry.stat().st_size
        sizes[name.removesuffix(".py")] += size
    return sorted(sizes.items(), key=lambda item: item[1], reverse=True)[:count]


def mib(size: int) -> float:
    return round(size / MIB, 1)


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path
