"""AppTest of the analyses' pages against a database with header dates and clustered
outcomes. Expected figures come from plain SQL on the public schema written here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import queries as q
from tests.analysesdb import build_analyses_db
from tests.keptdb import kept_open, read

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ["timeliness", "mix", "group_trends", "guidelines", "reviewers", "letters", "data"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_analyses_db(tmp_path_factory.mktemp("appan") / "imr.duckdb")
    q.build_search_index(path)
    return path


def sql(db: Path, query: str) -> list[tuple]:
    return read(db, query)


@pytest.fixture
def app(db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("IMR_DB", str(db))
    st.cache_data.clear()

    def make(page: str, **params: str | list[str]) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        if page != "overview":  # opened at the page, as a link to it is (one run, not two)
            at.switch_page(f"ui/pages/{page}.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        return at

    with kept_open(db):  # the app's per-query connects attach to one instance (tests/keptdb.py)
        yield make


def text(at: AppTest) -> str:
    return " ".join(m.value for m in [*at.markdown, *at.caption])


def csv_keys(at: AppTest) -> set[str]:
    return {b.key for b in at.get("download_button")}


@pytest.mark.parametrize("page", PAGES)
def test_every_analyses_page_renders_with_its_downloads(app, page: str) -> None:
    at = app(page)
    assert at.title
    if page != "data":
        assert any(k and "csv" in k for k in csv_keys(at)), csv_keys(at)


def test_timeliness_page_states_median_and_left_out_letters(app, db: Path) -> None:
    at = app("timeliness")
    median, missing = sql(
        db, "select median(decision_date - date_assigned), "
        "count(*) filter (where date_assigned is null or decision_date is null) from letters",
    )[0]  # fmt: skip
    body = text(at)
    assert f"Median {median:.0f} days from assignment to the decision letter" in body
    assert f"{missing} letters without the dates" in body
    assert "not print" in body  # records-received date: said plainly, not computed


def test_timeliness_follows_the_sidebar(app, db: Path) -> None:
    at = app("timeliness", prio="Expedited")
    (n,) = sql(
        db, "select count(*) from letters where priority = 'Expedited' "
        "and date_assigned is not null and decision_date - date_assigned >= 0",
    )[0]  # fmt: skip
    assert f"of {n:,} letters took more than 30 days" in text(at)


def test_mix_page_shows_the_opioid_share_and_a_category_pick(app) -> None:
    at = app("mix")
    assert "opioid share of pharmaceutical decisions" in text(at)
    at.selectbox(key="mix_level").set_value("Subcategory within a category").run()
    assert not at.exception
    assert at.selectbox(key="mix_within").value


def test_group_trends_caption_names_benjamini_hochberg(app) -> None:
    at = app("group_trends")
    assert "Benjamini-Hochberg" in text(at)
    at.selectbox(key="gt_dim").set_value("guideline_agreement").run()
    assert not at.exception
    assert len(at.dataframe) == 1


def test_reviewers_page_has_method_sentence_and_bh(app) -> None:
    at = app("reviewers")
    body = text(at)
    assert "Method:" in body and "Spiegelhalter" in body and "Benjamini-Hochberg" in body
    assert "indirect standardisation" in body
    at.selectbox(key="rv_dim").set_value("reviewer_state").run()
    assert not at.exception


def test_guidelines_page_rates_match_sql(app, db: Path) -> None:
    at = app("guidelines")
    (n_none,) = sql(db, "select count(*) from decisions where imr_guideline_source = 'None cited'")[
        0
    ]
    assert "reviewer cited none: " in text(at) and f"of {n_none:,}" in text(at)


def test_letters_page_shares_of_letters(app, db: Path) -> None:
    at = app("letters")
    total, upheld = sql(db, "select count(*), count(*) filter (where case_outcome = 'Upheld') "
                            "from letters")[0]  # fmt: skip
    assert f"Of {total:,} letters: {upheld / total * 100:.1f} % fully upheld" in text(at)
    assert "Partly authorised (UR modified) requests" in text(at)


def test_data_page_shows_the_design_effect(app) -> None:
    at = app("data")
    assert "Design effect " in text(at) and "times as wide" in text(at)


def test_analyses_tables_say_periods_and_headings_as_analysts_do(app) -> None:
    """Display only: periods as `2016 Q2` (not a midnight timestamp), columns headed as the
    report heads them (ui/column_labels.toml)."""
    at = app("group_trends")
    headings = json.loads(at.dataframe[0].proto.columns)
    assert headings["first_period"]["label"] == "First period"
    assert headings["group"]["label"] == "Group"
    at.segmented_control(key="gt_grain").set_value("quarter").run()
    shown = at.dataframe[0].value
    periods = set(shown["first_period"]) | set(shown["last_period"])
    assert periods and all(
        isinstance(p, str) and re.fullmatch(r"20\d\d Q[1-4]", p) for p in periods
    )
    at = app("timeliness")
    headings = json.loads(at.dataframe[0].proto.columns)
    assert headings["missing_dates"]["label"] == "Missing dates"
    assert headings["service_category"]["label"] == "Service category"
