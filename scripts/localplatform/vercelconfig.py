"""How Vercel routes a request to public/, the function or its own 404, as `vercel.json` says.

Order as on Vercel: `headers` apply to every matching path; a file in `public/` wins; then the
first matching `rewrites` entry; the function is also reachable at its own path (`/api/index`,
and `/api` for an index file). Anything else is Vercel's 404 `NOT_FOUND`, which never reaches
the app: the reason a project without the `/api/(.*)` rewrite gets a 404 on every route but one.
Sources use path-to-regexp: `(.*)` and other groups, `:name`, `:name*`, `:name+`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from scripts.localplatform.static import public_file

FUNCTION_PATHS = ("/api/index", "/api/index.py", "/api")
_TOKEN = re.compile(r"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)|:([A-Za-z_]\w*)([*+?]?)")


def source_regex(source: str) -> re.Pattern[str]:
    """A path-to-regexp source (the subset vercel.json uses) as an anchored regular expression."""
    out, last = [], 0
    for match in _TOKEN.finditer(source):
        out.append(re.escape(source[last : match.start()]))
        name, modifier = match.group(1), match.group(2)
        if name is None:
            out.append(match.group(0))  # a group is a regular expression already
        elif modifier in ("*", "+"):
            out.append(f"(?P<{name}>.{modifier})" if modifier == "+" else f"(?P<{name}>.*)")
        else:
            out.append(f"(?P<{name}>[^/]+){'?' if modifier == '?' else ''}")
        last = match.end()
    out.append(re.escape(source[last:]))
    return re.compile("".join(out) + "/?")


Target = tuple[Literal["static", "function", "missing"], Path | None]


@dataclass
class VercelRoutes:
    public: Path | None
    rewrites: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    headers: list[tuple[re.Pattern[str], list[tuple[str, str]]]] = field(default_factory=list)

    @classmethod
    def load(cls, project_root: Path) -> VercelRoutes:
        config_file = project_root / "vercel.json"
        config = json.loads(config_file.read_text(encoding="utf-8")) if config_file.is_file() else {}
        public = project_root / "public"
        routes = cls(public if public.is_dir() else None)
        for rule in config.get("rewrites") or []:
            routes.rewrites.append((source_regex(rule["source"]), rule["destination"]))
        for rule in config.get("headers") or []:
            pairs = [(h["key"], h["value"]) for h in rule.get("headers") or []]
            routes.headers.append((source_regex(rule["source"]), pairs))
        return routes

    def headers_for(self, path: str) -> list[tuple[str, str]]:
        return [pair for pattern, pairs in self.headers if pattern.fullmatch(path) for pair in pairs]

    def static_file(self, path: str) -> Path | None:
        return public_file(self.public, path)

    def resolve(self, path: str) -> Target:
        found = self.static_file(path)
        if found is not None:
            return "static", found
        if path.rstrip("/") in FUNCTION_PATHS:
            return "function", None
        for pattern, destination in self.rewrites:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            target = destination.split("?", 1)[0]
            for index, group in enumerate(match.groups(), start=1):
                target = target.replace(f"${index}", group or "")
            for name, group in match.groupdict().items():
                target = target.replace(f":{name}", group or "")
            if target.rstrip("/") in FUNCTION_PATHS:
                return "function", None  # the app sees the original path, not the destination
            found = self.static_file(target)
            return ("static", found) if found is not None else ("missing", None)
        return "missing", None
