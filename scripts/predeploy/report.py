"""Findings, check results, and how they are printed (for people, or as JSON for machines)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    level: Level
    message: str


@dataclass
class CheckResult:
    name: str
    summary: str = ""
    findings: list[Finding] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(finding.level == "error" for finding in self.findings)

    def error(self, message: str) -> None:
        self.findings.append(Finding("error", message))

    def warning(self, message: str) -> None:
        self.findings.append(Finding("warning", message))

    def info(self, message: str) -> None:
        self.findings.append(Finding("info", message))


def render_result(result: CheckResult) -> str:
    lines = [f"[{'PASS' if result.ok else 'FAIL'}] {result.name}: {result.summary} ({result.seconds:.1f} s)"]
    for finding in result.findings:
        label = {"error": "ERROR", "warning": "WARN ", "info": "     "}[finding.level]
        for number, line in enumerate(finding.message.splitlines()):
            lines.append(f"    {label if number == 0 else '     '} {line}")
    return "\n".join(lines)


def render_verdict(results: list[CheckResult]) -> str:
    failed = [result.name for result in results if not result.ok]
    if failed:
        return f"result: FAIL ({len(failed)} of {len(results)} checks failed: {', '.join(failed)})"
    return f"result: PASS ({len(results)} check{'' if len(results) == 1 else 's'})"


def render_json(root: str, results: list[CheckResult]) -> str:
    document = {
        "root": root,
        "ok": all(result.ok for result in results),
        "checks": [
            {
                "name": result.name,
                "ok": result.ok,
                "summary": result.summary,
                "seconds": round(result.seconds, 3),
                "findings": [asdict(finding) for finding in result.findings],
                "data": result.data,
            }
            for result in results
        ],
    }
    return json.dumps(document, indent=2)
