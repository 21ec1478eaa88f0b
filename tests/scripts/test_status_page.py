"""public/index.html in real headless Chromium: what a person reads on the status page."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scripts.png import pixel
from tests.support.browser import artifact, chromium, render
from tests.support.sockets import free_port
from tests.support.template import (
    MISSING_PACKAGE,
    break_backend,
    copy_project,
    emulator,
    uvicorn_template,
    write_vercel_json,
)


@pytest.fixture(scope="module")
def browser() -> str:
    return chromium()


@pytest.fixture(scope="module")
def healthy_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """public/ and the API on one origin, as Vercel serves them (the emulator, vercel.json with a strict CSP)."""
    root = copy_project(tmp_path_factory.mktemp("site-healthy"))
    write_vercel_json(root)
    compile_bytecode(root / "api")  # as a deploy ships it
    with emulator(root, "--platform", "vercel") as server:
        yield server.url


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = copy_project(tmp_path_factory.mktemp("site-broken"))
    write_vercel_json(root)
    break_backend(root)
    with emulator(root, "--platform", "vercel") as server:
        yield server.url


def compile_bytecode(api: Path) -> None:
    args = [sys.executable, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", str(api)]
    subprocess.run(args, check=True, capture_output=True, timeout=120)


# A tree without bytecode that the function cannot write it into, as on a platform.
WITHOUT_BYTECODE = {"PYTHONDONTWRITEBYTECODE": "1"}


# The banner's background (status.css), where a screenshot of 1000x1200 shows it.
BANNER = {"healthy": (0xE8, 0xF6, 0xEE), "degraded": (0xFF, 0xF4, 0xE0), "unhealthy": (0xFD, 0xEC, 0xEA)}


def visible(page: dict[str, tuple[str, bool]], element_id: str) -> str:
    text, hidden = page[element_id]
    assert not hidden, f"#{element_id} is hidden"
    return text


def test_healthy_backend(browser: str, healthy_site: str) -> None:
    shot = artifact("status-healthy.png")
    page = render(browser, healthy_site + "/", shot)
    assert visible(page, "state") == "healthy"
    assert visible(page, "summary") == "The backend is loaded and every service is healthy."
    assert visible(page, "backend") == "loaded"
    assert visible(page, "platform") == "vercel"
    assert visible(page, "bytecode") == "yes: the template's modules were loaded from bytecode"
    assert "bytecode" not in page["warnings"][0]
    assert page["diagnosis"][1] and page["fetch-error"][1]  # neither shown when all is well
    assert pixel(shot, 500, 140) == BANNER["healthy"]  # status.css applied under the strict CSP


def test_broken_backend_shows_the_missing_module_and_the_hint(browser: str, broken_site: str) -> None:
    shot = artifact("status-broken.png")
    page = render(browser, broken_site + "/", shot)
    assert visible(page, "state") == "unhealthy"
    assert visible(page, "backend") == "not loaded"
    assert visible(page, "diagnosis-type") == "missing_dependency"
    assert visible(page, "diagnosis-module") == MISSING_PACKAGE
    hint = f"add {MISSING_PACKAGE.replace('_', '-')} to api/requirements.txt and redeploy"
    assert visible(page, "diagnosis-hint") == hint
    assert page["services-card"][1]  # no services to claim when the backend is not there
    assert pixel(shot, 500, 140) == BANNER["unhealthy"]


def test_degraded_backend_names_the_services_on_a_fallback(browser: str, tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    write_vercel_json(root)
    # --in-venv: api/ as it is, without bytecode (the deployed tree ships it, as vercel.json asks).
    redis_url = f"redis://127.0.0.1:{free_port()}/0"
    with emulator(root, "--platform", "vercel", "--in-venv", REDIS_URL=redis_url, **WITHOUT_BYTECODE) as server:
        shot = artifact("status-degraded.png")
        page = render(browser, server.url + "/", shot)
    assert visible(page, "state") == "degraded"
    assert visible(page, "summary") == "The backend is loaded and serving; cache, rate_limiter run on a fallback."
    services = visible(page, "services")
    assert "cacheunhealthymemory (configured: redis), per instance" in services
    assert "Redis connection refused" in services
    assert "rate limits are counted per instance" in visible(page, "warnings")
    assert visible(page, "bytecode").startswith("no: the template's modules were compiled at this cold start")
    assert "VERCEL_PYTHON_COMPILEALL=1" in visible(page, "warnings")
    assert pixel(shot, 500, 140) == BANNER["degraded"]


def test_unreachable_api_says_so(browser: str, healthy_site: str) -> None:
    api = f"http://127.0.0.1:{free_port()}"
    page = render(browser, f"{healthy_site}/?api={api}", artifact("status-unreachable.png"))
    assert visible(page, "state") == "unreachable"
    assert visible(page, "fetch-error-message").startswith(f"Could not fetch {api}/api/status")
    assert page["details"][1]


def test_other_origin_allowed_by_cors(browser: str, healthy_site: str, tmp_path: Path) -> None:
    page_origin = healthy_site  # the page's origin, listed in the API's CORS_ORIGINS
    with uvicorn_template(copy_project(tmp_path), CORS_ORIGINS=page_origin, GIT_SHA="a1b2c3d") as api:
        page = render(browser, f"{healthy_site}/?api={api}")
    assert visible(page, "source-url") == f"{api}/api/status"
    assert visible(page, "state") == "healthy"
    assert visible(page, "version") == "a1b2c3d"


def test_other_origin_refused_by_cors_names_the_fix(browser: str, healthy_site: str, tmp_path: Path) -> None:
    with uvicorn_template(copy_project(tmp_path), CORS_ORIGINS="https://someone-else.example") as api:
        page = render(browser, f"{healthy_site}/?api={api}")
    assert visible(page, "state") == "unreachable"
    hints = visible(page, "fetch-error-hints")
    assert f"its CORS_ORIGINS must list {healthy_site}" in hints


def test_an_api_origin_outside_the_pages_csp_is_named(browser: str, healthy_site: str, tmp_path: Path) -> None:
    # The site's CSP allows connect-src http://127.0.0.1:* only: "localhost" is another origin to it.
    with uvicorn_template(copy_project(tmp_path), CORS_ORIGINS=healthy_site) as api:
        api = api.replace("127.0.0.1", "localhost")
        page = render(browser, f"{healthy_site}/?api={api}", artifact("status-csp-blocked.png"))
    assert visible(page, "state") == "unreachable"
    assert "blocked by this page's Content-Security-Policy (connect-src)" in visible(page, "fetch-error-message")
    assert f"does not allow connections to {api}" in visible(page, "fetch-error-hints")


def test_page_works_under_the_projects_own_vercel_json(browser: str, tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    write_vercel_json(root, csp=None)  # the project's headers as deployed (a minimal file when it has none)
    with emulator(root, "--platform", "vercel") as server:
        shot = artifact("status-project-headers.png")
        page = render(browser, server.url + "/", shot)
    assert visible(page, "state") == "healthy"
    assert pixel(shot, 500, 140) == BANNER["healthy"]


def test_page_served_by_the_lambda_emulator(browser: str, tmp_path: Path) -> None:
    with emulator(copy_project(tmp_path), "--platform", "lambda", "--format", "http", "--runtime", "ric") as server:
        page = render(browser, server.url + "/")
    assert visible(page, "state") == "healthy"
    assert visible(page, "platform") == "lambda"
    assert visible(page, "version") == "$LATEST"
