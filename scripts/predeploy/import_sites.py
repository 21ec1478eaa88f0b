"""Every import under `api/`, with where it stands: what the `imports` check compares with the pins.

Imports are read from the AST, lazy ones in functions included, and so are
`importlib.import_module("literal")` calls (the loader imports the backend and Mangum that way).
Imports under `if TYPE_CHECKING:` and inside `try/except ImportError` are optional at run time
and only noted.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

from scripts.predeploy.entrypoint import python_files

OPTIONAL_ERRORS = {"ImportError", "ModuleNotFoundError"}


@dataclass(frozen=True)
class ImportSite:
    module: str  # top-level name
    where: str  # path:line
    optional: bool


class _Collector(ast.NodeVisitor):
    def __init__(self, where: str) -> None:
        self.where = where
        self.sites: list[ImportSite] = []
        self._optional = 0

    def _add(self, name: str, node: ast.AST) -> None:
        top = name.split(".")[0]
        if top:
            self.sites.append(ImportSite(top, f"{self.where}:{getattr(node, 'lineno', 0)}", self._optional > 0))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            self._add(node.module, node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name == "import_module" and node.args and isinstance(node.args[0], ast.Constant):
            if isinstance(node.args[0].value, str) and not node.args[0].value.startswith("."):
                self._add(node.args[0].value, node)
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            self._visit_optional(node.body)
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Try(self, node: ast.Try) -> None:
        caught = (
            {n.id for h in node.handlers if h.type for n in ast.walk(h.type) if isinstance(n, ast.Name)}
            if node.handlers
            else set()
        )
        if caught & OPTIONAL_ERRORS:
            self._visit_optional(node.body)
            for child in [*node.handlers, *node.orelse, *node.finalbody]:
                self.visit(child)
            return
        self.generic_visit(node)

    def _visit_optional(self, body: list[ast.stmt]) -> None:
        self._optional += 1
        for child in body:
            self.visit(child)
        self._optional -= 1


def collect_imports(root: Path) -> list[ImportSite]:
    sites: list[ImportSite] = []
    for path in python_files(root / "api"):
        collector = _Collector(str(path.relative_to(root)))
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        sites.extend(collector.sites)
    return sites


def first_party(api: Path) -> set[str]:
    names = {"api"}
    for entry in api.iterdir():
        if entry.is_dir() and not entry.name.startswith((".", "__")):
            names.add(entry.name)
        elif entry.suffix == ".py":
            names.add(entry.stem)
    return names


def not_third_party(api: Path) -> set[str]:
    """Top-level names an import under `api/` can have that no distribution provides: the standard
    library's and the code's own."""
    return set(sys.stdlib_module_names) | first_party(api) | {"__future__"}
