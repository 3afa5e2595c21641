"""AppTest of the "Download this view as a report" button on every analysis page.

The button's bytes are made on click (a deferred download); the test keeps the callable the
page registered and calls it, exactly as Streamlit does when the button is clicked. Expected
figures come from plain SQL on the raw rows and scipy's Wilson interval.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from scipy.stats import binomtest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

import queries as q
from tests.analysesdb import build_analyses_db
from tests.keptdb import kept_open
from ui import format as fmt

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ["overview", "breakdown", "compare", "timeliness", "mix", "group_trends", "guidelines",
         "reviewers", "letters"]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_analyses_db(tmp_path_factory.mktemp("apprep") / "imr.duckdb")
    q.build_search_index(path)
    return path


@pytest.fixture
def run(db: Path, monkeypatch: pytest.MonkeyPatch):
    """`run(page, **query_params)` -> the page's AppTest and its deferred downloads by name."""
    monkeypatch.setenv("IMR_DB", str(db))
    st.cache_data.clear()
    made: dict[str, Callable[[], bytes]] = {}
    real = MediaFileManager.add_deferred

    def keep(self, data, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data
        return real(self, data, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)

    def make(page: str, **params: str) -> tuple[AppTest, dict[str, Callable[[], bytes]]]:
        at = AppTest.from_file(APP, default_timeout=90)
        for key, value in params.items():
            at.query_params[key] = value
        if page != "overview":  # opened at the page, as a link to it is (one run, not two)
            at.switch_page(f"ui/pages/{page}.py")
        made.clear()
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at, made

    with kept_open(db):  # the app's per-query connects attach to one instance (tests/keptdb.py)
        yield make


def headline(db: Path, where: str = "true") -> tuple[str, str]:
    with q.open_db(db) as con:  # the app's settings: the database may be kept open
        n, k = con.execute(
            f"select count(*), count(*) filter (where overturned) from decisions d "
            f"join letters l using (letter_id) where {where}"
        ).fetchone()
    ci = binomtest(k, n).proportion_ci(method="wilson")
    return fmt.rate_with_ci(k / n, ci.low, ci.high), fmt.count(n, "decisions")


@pytest.mark.parametrize("page", PAGES)
def test_report_button_carries_the_pages_numbers(run, db: Path, page: str) -> None:
    at, made = run(page)
    if page == "compare":  # the default years are not both in this database
        at.date_input(key="cmp_B_period").set_value((date(2016, 1, 1), date(2016, 12, 31))).run()
    assert any(b.key == f"{page}_report" for b in at.get("download_button"))
    body = made[f"imr-report-{page}.html"]().decode("utf-8")
    assert body.startswith("<!doctype html>")
    rate, decisions = headline(db)
    assert rate in body and decisions in body
    drawn = len(at.get("vega_lite_chart"))  # every chart the page drew is in the report,
    assert drawn >= 1  # and every chart of a lazy tab it did not open (Breakdown's)
    closed = len(at.tabs) - 1 if page == "breakdown" else 0
    assert body.count('<svg xmlns="http://www.w3.org/2000/svg"') == drawn + closed
    said = [re.sub(r"^\*\*[^*]+\*\* - ", "", m.value) for m in at.markdown]
    said = [re.sub(r"\\(.)", r"\1", x) for x in said]  # the page's Markdown escapes
    assert any(html.escape(x) in body for x in said if len(x) > 40), said  # a takeaway, verbatim


def test_report_follows_the_sidebar_filters(run, db: Path) -> None:
    _, made = run("timeliness", prio="Expedited")
    body = made["imr-report-timeliness.html"]().decode("utf-8")
    rate, decisions = headline(db, "l.priority = 'Expedited'")
    assert rate in body and decisions in body
    assert "Priority = Expedited" in body
    assert "prio=Expedited" in body  # the link back to this view


def test_breakdown_report_carries_the_tabs_it_did_not_open(run) -> None:
    """Breakdown draws only its open tab; the report makes the others on download, in the
    page's order, each with its takeaway and table."""
    from queries.vocab import DIMENSIONS as D

    _, made = run("breakdown", tab="reviewer_state")
    body = made["imr-report-breakdown.html"]().decode("utf-8")
    names = ["service_category", "service_subcategory", "imr_guideline_source",
             "ca_guideline_source", "imr_mtus_chapter", "reviewer_specialty",
             "reviewer_state"]  # fmt: skip
    headings = [*(D[n] for n in names), "Reviewer specialty × service category"]
    where = [body.index(f"<h2>{html.escape(h)}</h2>") for h in headings]
    assert where == sorted(where)  # all there, in the page's order
    assert body.count("Highest overturn rate") >= len(names) - 1
