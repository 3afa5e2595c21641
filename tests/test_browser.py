"""One real-browser run: the app on a small database in headless Debian chromium.

Checks what AppTest cannot: the Vega charts actually draw (a canvas of marks present) and
no exception box appears. Screenshots go to tests/artifacts/ (git-ignored) for a human look.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
# `make test` passes the chromium it found (or installed) as IMR_CHROMIUM, empty when none.
CHROMIUM = os.environ.get("IMR_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ON_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
HAVE_CHROMIUM = bool(CHROMIUM) and Path(CHROMIUM).is_file()
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    # Skipped only off CI, saying why; on CI a missing chromium fails (`_chromium_on_ci`).
    pytest.mark.skipif(
        not HAVE_CHROMIUM and not ON_CI,
        reason=f"no chromium ({CHROMIUM or 'none found'}); as root: apt-get install chromium",
    ),
]


@pytest.fixture(scope="module", autouse=True)
def _chromium_on_ci() -> None:
    if not HAVE_CHROMIUM:
        pytest.fail(f"CI: no chromium ({CHROMIUM or 'none found'}); the browser test never skips")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    from tests import appdb

    folder = tmp_path_factory.mktemp("browser")
    db = appdb.build(folder / "imr.duckdb", source_dir=folder / "src")
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    env = {**os.environ, "IMR_DB": str(db)}
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("streamlit did not become healthy in 30 s")
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser.new_page(viewport={"width": 1400, "height": 1000})
        browser.close()


MARKS = '[data-testid="stVegaLiteChart"] canvas.marks'  # the app draws charts on a canvas


def _settle(page, selector: str) -> None:
    page.wait_for_selector(selector, timeout=20_000)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=20_000
    )
    page.wait_for_timeout(500)


ALL_DRAWN = """n => {
    const charts = document.querySelectorAll('[data-testid="stVegaLiteChart"]');
    return charts.length >= n && [...charts].every(c => c.querySelector('canvas.marks'));
}"""


def _all_drawn(page, at_least: int) -> None:
    """Wait until `at_least` charts are there and each drew its canvas (was a fixed 1 s, ~8 s
    of the run). A chart Vega rejects never draws: after 20 s the asserts say what is missing."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(ALL_DRAWN, arg=at_least, timeout=20_000)


def test_overview_draws_charts(server: str, page) -> None:
    page.goto(f"{server}/?cat=Pharmaceuticals")
    _settle(page, MARKS)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    assert page.locator(MARKS).count() >= 1
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Something went wrong").count() == 0
    assert "cat=Pharmaceuticals" in page.url  # the filter stayed in the URL


def test_case_page_by_url(server: str, page) -> None:
    page.goto(f"{server}/case?case=CM16-0000001")
    _settle(page, "text=Item 1:")
    page.screenshot(path=str(ARTIFACTS / "case.png"), full_page=True)
    assert page.get_by_text("Case CM16-0000001").count() >= 1
    assert page.locator('[data-testid="stException"]').count() == 0


CHART_PAGES = ("breakdown", "compare", "timeliness", "mix", "group_trends", "guidelines",
               "reviewers", "letters")  # fmt: skip


def _where(url: str, server: str) -> tuple[str, dict[str, list[str]]]:
    """The app page of `url` and the filters in its query (pages own a few keys)."""
    from ui.sidebar import filter_params

    parts = urlsplit(url.removeprefix(server))
    return parts.path.strip("/"), filter_params(parse_qs(parts.query))


def _open(page, server: str, name: str) -> None:
    """From another chart page under no filter: the sidebar's link, a rerun in the same
    session (a full load fetches and starts the app's scripts again, ~1 s of the run per
    page); else a full load. Either way the page is drawn under no filter (asserted)."""
    here, filters = _where(page.url, server)
    link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{name}"]')
    if here in CHART_PAGES and not filters and link.count():
        link.click()
        page.wait_for_url(lambda url: _where(url, server)[0] == name, timeout=20_000)
        page.wait_for_function(
            "!document.querySelector('[data-stale=\"true\"]')", timeout=20_000
        )  # the previous page's elements are gone
    else:
        page.goto(f"{server}/{name}")
    assert _where(page.url, server) == (name, {})


@pytest.mark.parametrize(
    ("name", "at_least"),
    [("breakdown", 2), ("compare", 1), ("timeliness", 1), ("mix", 2), ("group_trends", 1),
     ("guidelines", 2), ("reviewers", 2), ("letters", 3)],
)  # fmt: skip
def test_every_chart_draws(server: str, page, name: str, at_least: int) -> None:
    _open(page, server, name)
    _settle(page, MARKS)
    _all_drawn(page, at_least)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    charts = page.locator('[data-testid="stVegaLiteChart"]').count()
    drawn = page.locator(MARKS).count()
    assert charts >= at_least
    assert drawn == charts  # Vega draws nothing (no canvas) for a spec it rejects
    assert page.locator('[data-testid="stException"]').count() == 0


def test_breakdown_tab_draws_its_chart_on_click(server: str, page) -> None:
    """Breakdown's lower charts are lazy tabs: a click reruns and draws the opened one."""
    page.goto(f"{server}/breakdown")
    _settle(page, MARKS)
    page.get_by_role("tab", name="Specialty × category").click()
    page.wait_for_url("**tab=specialty_x_category**", timeout=20_000)
    _settle(page, "text=cell colour = overturn rate")
    _all_drawn(page, 2)
    page.screenshot(path=str(ARTIFACTS / "breakdown-heat-map.png"), full_page=True)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 2
    assert page.locator(MARKS).count() == 2
    assert page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.parametrize("width", [1440, 1100])
def test_date_field_applies_on_enter_and_shows_the_whole_date(server: str, page, width) -> None:
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(f"{server}/")
    _settle(page, MARKS)
    box = page.get_by_role("textbox", name="Decided from")
    box.fill("2017-03-15")
    box.press("Enter")  # no blur: Enter alone must apply it
    page.wait_for_url("**from=2017-03-15**", timeout=20_000)
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth")  # the whole date is visible
    assert box.input_value() == "2017-03-15"
    page.screenshot(path=str(ARTIFACTS / f"dates-{width}.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})


def test_back_returns_to_the_cases_view(server: str, page) -> None:
    page.goto(f"{server}/cases?search=therapy&page=2")
    _settle(page, "text=Matches in context")
    page.get_by_role("link", name="Case", exact=True).click()
    _settle(page, "text=Enter a case number")
    page.go_back()
    _settle(page, "text=Matches in context")
    assert "search=therapy" in page.url and "page=2" in page.url
    assert page.get_by_label("Search rationales and services").input_value() == "therapy"
    assert page.get_by_text("page 2 of").count() >= 1


def test_compare_sentence_copies_from_its_popover(server: str, page) -> None:
    """The plain sentence sits in a popover: Streamlit's syntax highlighter (st.code) loads
    only when it is opened, not on the page's first draw."""
    page.goto(f"{server}/compare")
    button = page.get_by_text("Copy as plain text")
    button.wait_for(timeout=60_000)
    loaded = "performance.getEntriesByType('resource').map(r => r.name).join(' ')"
    assert "SyntaxHighlighter" not in page.evaluate(loaded)
    button.click()
    code = page.locator('[data-testid="stCode"]').first
    code.wait_for(timeout=60_000)
    assert code.inner_text().startswith("Group A (decisions dated")
