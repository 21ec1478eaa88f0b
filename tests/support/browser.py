"""Real headless Chromium (Debian's package), installed by scripts/setup-tools.sh, never by a test."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from tests.support.paths import ROOT
from tests.support.unavailable import unavailable

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    # Virtual time waits for the page's fetch to finish before dumping, instead of a fixed sleep.
    "--virtual-time-budget=5000",
]


BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def chromium() -> str:
    """The browser's path. Fails with CI=true, skips otherwise, when there is none."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    unavailable("chromium is not installed: run bash scripts/setup-tools.sh (installs Debian's chromium)")


def run_chromium(browser: str, url: str, *extra: str) -> str:
    return _chromium(browser, url, *extra).stdout


def _chromium(browser: str, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", *extra, url], capture_output=True, text=True, timeout=120
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def console(browser: str, url: str) -> tuple[str, list[str]]:
    """The page's DOM after its scripts ran, and what the page wrote to the console (errors, CSP refusals)."""
    proc = _chromium(browser, url, "--dump-dom", "--enable-logging=stderr", "--v=0")
    return proc.stdout, [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]


def render(browser: str, url: str, screenshot: Path | None = None) -> dict[str, tuple[str, bool]]:
    """The rendered page: id -> (visible text, hidden by an ancestor or itself); and a screenshot."""
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        run_chromium(browser, url, f"--screenshot={screenshot}", "--window-size=1000,1200")
        assert screenshot.stat().st_size > 0
    parser = IdText()
    parser.feed(run_chromium(browser, url, "--dump-dom"))
    return {key: ("".join(parts).strip(), hidden) for key, (parts, hidden) in parser.found.items()}


class IdText(HTMLParser):
    """Collects the text under every element that has an id, and whether it is hidden."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str | None, bool]] = []
        self.found: dict[str, tuple[list[str], bool]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        values = dict(attrs)
        hidden = (bool(self.stack) and self.stack[-1][1]) or "hidden" in values
        element_id = values.get("id")
        if element_id:
            self.found[element_id] = ([], hidden)
        self.stack.append((element_id, hidden))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for element_id, _ in self.stack:
            if element_id:
                self.found[element_id][0].append(data)


def artifact(name: str) -> Path:
    return ROOT / "test-artifacts" / name
