"""The `entrypoint` check: `api/index.py` is the one function, found the way Vercel finds it.

Vercel reads every `api/**/*.py` statically: the first top-level statement that binds `app` or
`application`, or a top-level `class handler`, makes that file a function of its own. A backend
module with `app = FastAPI()` is then deployed twice, the second copy without the failsafe.
"""

from __future__ import annotations

import ast
from pathlib import Path

from scripts.predeploy.report import CheckResult

ENTRY_NAMES = ("app", "application")


def top_level_bindings(tree: ast.Module) -> list[tuple[str, int, str]]:
    """(name, line, kind) for each name a top-level statement binds, in order."""
    found: list[tuple[str, int, str]] = []
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        found.append((name.id, node.lineno, "assignment"))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append((node.name, node.lineno, "def"))
        elif isinstance(node, ast.ClassDef):
            found.append((node.name, node.lineno, "class"))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                found.append(((alias.asname or alias.name).split(".")[0], node.lineno, "import"))
    return found


def python_files(api: Path) -> list[Path]:
    skip = {"__pycache__", "node_modules"}
    return sorted(
        path
        for path in api.rglob("*.py")
        if not any(part in skip or part.startswith(".") for part in path.relative_to(api).parts)
    )


def deploys_as_function(bindings: list[tuple[str, int, str]]) -> tuple[str, int] | None:
    for name, line, kind in bindings:
        if name in ENTRY_NAMES or (name == "handler" and kind == "class"):
            return name, line
    return None


def check_entrypoint(root: Path) -> CheckResult:
    result = CheckResult("entrypoint")
    api = root / "api"
    index = api / "index.py"
    if not index.is_file():
        result.error("api/index.py is missing: Vercel and the SAM template (Handler: index.handler) both need it")
        result.summary = "no api/index.py"
        return result
    bindings = top_level_bindings(ast.parse(index.read_text(encoding="utf-8"), str(index)))
    names = {name for name, _, _ in bindings}
    for needed, who in (("app", "Vercel (ASGI)"), ("handler", "AWS Lambda (index.handler)")):
        if needed not in names:
            result.error(f"api/index.py binds no top-level `{needed}`, which {who} needs")
    first = deploys_as_function(bindings)
    if first is not None and first[0] != "app":
        result.error(f"api/index.py:{first[1]} binds `{first[0]}` before `app`: Vercel would serve that instead")
    others = 0
    for path in python_files(api):
        if path == index:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        except SyntaxError as exc:
            result.error(f"{path.relative_to(root)}:{exc.lineno}: syntax error: {exc.msg}")
            continue
        hit = deploys_as_function(top_level_bindings(tree))
        if hit is not None:
            others += 1
            what = "class handler" if hit[0] == "handler" else f"`{hit[0]}`"
            result.error(
                f"{path.relative_to(root)}:{hit[1]} binds a top-level {what}: Vercel would deploy this file as "
                "another function (without the failsafe); build the app in a factory instead"
            )
    result.summary = (
        "api/index.py binds app and handler; no other module binds app" if result.ok else "entrypoint problems"
    )
    result.data = {"other_entrypoints": others}
    return result
