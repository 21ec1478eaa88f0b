"""The Swagger page in real headless Chromium: it renders offline, its policy lets its own inline
scripts run and no other, and when swagger-ui's script cannot load the page says so.

swagger-ui's files come from the app itself (/api/docs/swagger-ui-bundle.js). Where the page is
served by a stub that answers every path with the page, that script does not load: the start-up
script then stops at `SwaggerUIBundle is not defined`. That console error is the browser saying it
ran the script; a blocked one reports a Content Security Policy violation instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.browser import chromium, console, render
from tests.support.stubs import http_stub
from tests.support.template import copy_project, uvicorn_template

RAN = "SwaggerUIBundle is not defined"
UNAVAILABLE = "The API docs could not load"
# Chromium 156's wording, and the one older versions use.
REFUSED = re.compile(r"Executing inline script violates|Refused to execute inline script")


@pytest.fixture(scope="module")
def browser() -> str:
    return chromium()


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The template under uvicorn (development: docs on), as `scripts/dev.sh` serves it."""
    root = copy_project(tmp_path_factory.mktemp("docs"))
    with uvicorn_template(root, DATABASE_URL=f"sqlite:///{root}/app.sqlite3") as url:
        yield url + "/api/docs"


def script_ran(dom: str, messages: list[str]) -> bool:
    # Where swagger-ui does load, it renders its own markup instead of the ReferenceError.
    return any(RAN in line for line in messages) or 'class="swagger-ui' in dom


def test_the_docs_page_renders_swagger_ui_offline_under_its_policy(browser: str, docs: str) -> None:
    page = httpx.get(docs)
    policy = page.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "https:" not in policy  # no CDN: this machine reaches none, and the page needs none
    dom, messages = console(browser, docs)
    assert 'class="swagger-ui' in dom, messages
    assert "/api/auth/login" in dom  # the operations of the schema it fetched are on the page
    assert 'role="alert"' not in dom
    assert not any(REFUSED.search(line) or "Refused" in line for line in messages), messages


def test_without_swagger_ui_the_page_says_why_instead_of_staying_blank(browser: str, docs: str) -> None:
    page = httpx.get(docs)
    headers = {"content-security-policy": page.headers["content-security-policy"]}
    # The stub answers the script's URL with the page itself: swagger-ui never defines itself.
    with http_stub(200, page.text, headers, content_type="text/html; charset=utf-8") as port:
        dom, messages = console(browser, f"http://127.0.0.1:{port}/api/docs")
        shown, hidden = render(browser, f"http://127.0.0.1:{port}/api/docs")["swagger-ui"]
    assert any(RAN in line for line in messages), messages
    assert 'role="alert"' in dom and not hidden
    assert shown.startswith(UNAVAILABLE) and "/api/docs/swagger-ui-bundle.js" in shown and "/api/openapi.json" in shown


def test_a_script_injected_into_the_page_is_refused(browser: str, docs: str, tmp_path: Path) -> None:
    page = httpx.get(docs)
    injected = page.text.replace("</body>", "<script>document.title = 'injected'</script></body>")
    headers = {"content-security-policy": page.headers["content-security-policy"]}
    with http_stub(200, injected, headers, content_type="text/html; charset=utf-8") as port:
        dom, messages = console(browser, f"http://127.0.0.1:{port}/api/docs")
    assert script_ran(dom, messages), messages  # the page's own script, by its hash
    assert sum(bool(REFUSED.search(line)) for line in messages) == 1, messages  # the injected one
    assert "injected" not in re.findall(r"<title>(.*?)</title>", dom)


def test_without_the_hash_the_browser_refuses_the_start_up_script(browser: str, docs: str) -> None:
    """The control: the same page under the same policy minus its 'sha256-...' source."""
    page = httpx.get(docs)
    policy = re.sub(r"'sha256-[^']+'", "", page.headers["content-security-policy"])
    with http_stub(200, page.text, {"content-security-policy": policy}, content_type="text/html") as port:
        dom, messages = console(browser, f"http://127.0.0.1:{port}/api/docs")
    assert any(REFUSED.search(line) for line in messages), messages
    assert not script_ran(dom, messages)
