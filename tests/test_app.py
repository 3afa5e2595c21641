"""AppTest drives every page of the app against a small database with known contents.

Expected numbers come from SQL written here against the public schema, not from the app
or the queries layer, so a filter wired to the wrong field fails.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests import appdb
from tests.keptdb import kept_open, read
from tests.paths import SEED_LETTER

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ["overview", "breakdown", "compare", "cases", "case", "data"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("appdb")
    return appdb.build(folder / "imr.duckdb", source_dir=folder / "src")


def sql(db: Path, query: str, params: list | None = None) -> list[tuple]:
    return read(db, query, params)


@pytest.fixture
def app(db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("IMR_DB", str(db))
    st.cache_data.clear()

    def make(page: str = "overview", /, **params: str | list[str]) -> AppTest:
        # 60 s as the other app tests: one run now imports the page and draws it (at load ~25
        # on 2 cores a cold Breakdown passed 30 s; it was two runs, 30 s each)
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        if page != "overview":  # opened at the page, as a link to it is (one run, not two)
            at.switch_page(f"ui/pages/{page}.py")
        at.run()
        return at

    with kept_open(db):  # the app's per-query connects attach to one instance (tests/keptdb.py)
        yield make


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def url(at: AppTest, key: str) -> list[str] | None:
    """A query parameter as a list (AppTest gives one value as a plain string)."""
    value = at.query_params.get(key)
    return None if value is None else [value] if isinstance(value, str) else list(value)


def healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(app, page: str) -> None:
    at = app(page)
    healthy(at)
    assert at.title


def test_overview_numbers_follow_the_sidebar(app, db: Path) -> None:
    at = app()
    (total,) = sql(db, "select count(*) from decisions")[0]
    assert metric(at, "Decisions (items)") == f"{total:,}"
    at.multiselect(key="flt_service_category").set_value(["Pharmaceuticals"]).run()
    n, k = sql(
        db,
        "select count(*), count(*) filter (overturned) from decisions "
        "where service_category = 'Pharmaceuticals'",
    )[0]
    assert metric(at, "Decisions (items)") == f"{n:,}"
    assert metric(at, "Overturn rate (decisions)") == f"{k / n * 100:.1f} %"
    assert url(at, "cat") == ["Pharmaceuticals"]
    assert len(at.get("vega_lite_chart")) == 2  # rates, volume
    healthy(at)


def drawn_keys(at: AppTest) -> set[str]:
    return {w.key for kind in ("multiselect", "selectbox", "text_input") for w in at.get(kind)}


def test_more_filters_are_drawn_only_while_open_and_apply_either_way(app, db: Path) -> None:
    """The lazy "More filters" expander: closed, its widgets are not sent to the browser, yet a
    value set in them keeps filtering (and stays in the URL) run after run."""
    (total,) = sql(db, "select count(*) from decisions")[0]
    (n,) = sql(db, "select count(*) from decisions join letters using (letter_id) "
                   "where imr_guideline_source = 'ODG'")[0]  # fmt: skip
    assert 0 < n < total
    at = app()
    assert "flt_imr_guideline_source" not in drawn_keys(
        at
    ) and "flt_service_category" in drawn_keys(at)
    at.session_state["flt_more"] = True  # the analyst opens it
    at.run()
    at.multiselect(key="flt_imr_guideline_source").set_value(["ODG"]).run()
    assert metric(at, "Decisions (items)") == f"{n:,}" and url(at, "imr_src") == ["ODG"]
    at.session_state["flt_more"] = False  # and closes it again
    for _ in range(3):  # Streamlit drops an undrawn widget's value after a run: not this one
        at.run()
        assert "flt_imr_guideline_source" not in drawn_keys(at)
        assert metric(at, "Decisions (items)") == f"{n:,}" and url(at, "imr_src") == ["ODG"]
    healthy(at)
    linked = app(imr_src="ODG")  # a link that sets one opens the expander, so it shows
    assert linked.multiselect(key="flt_imr_guideline_source").value == ["ODG"]
    assert metric(linked, "Decisions (items)") == f"{n:,}"


def test_url_filters_round_trip(app, db: Path) -> None:
    at = app(
        cat=["Pharmaceuticals", "Rehabilitation"],
        **{"from": "2017-01-01", "spec": "Family Practice"},
    )
    assert at.multiselect(key="flt_service_category").value == ["Pharmaceuticals", "Rehabilitation"]
    (n,) = sql(
        db,
        "select count(*) from decisions join letters using (letter_id) "
        "where service_category in ('Pharmaceuticals', 'Rehabilitation') "
        "and decision_date >= date '2017-01-01' "
        "and reviewer_specialty = 'Family Practice'",
    )[0]
    assert metric(at, "Decisions (items)") == f"{n:,}"
    # the widgets write back the same link, so pasting it reproduces the view
    assert url(at, "cat") == ["Pharmaceuticals", "Rehabilitation"]
    assert url(at, "from") == ["2017-01-01"]
    assert url(at, "spec") == ["Family Practice"]
    # navigation clears the URL; the sidebar keeps the filters and writes them back
    at.switch_page("ui/pages/breakdown.py").run()
    assert url(at, "cat") == ["Pharmaceuticals", "Rehabilitation"]
    healthy(at)


def test_invalid_url_value_gives_a_message(app, db: Path) -> None:
    at = app(cat="No such category", to="not-a-date")
    healthy(at)
    assert any("dropped" in w.value for w in at.warning)
    (total,) = sql(db, "select count(*) from decisions")[0]
    assert metric(at, "Decisions (items)") == f"{total:,}"
    assert "cat" not in at.query_params


def test_case_opens_by_url(app, db: Path) -> None:
    at = app("case", case="CM16-0000001")
    healthy(at)
    assert at.title[0].value == "Case CM16-0000001"
    (items,) = sql(db, "select count(*) from decisions where letter_id = 'CM16-0000001'")[0]
    headers = [m.value for m in at.markdown if m.value.startswith("**Item ")]
    assert len(headers) == items == 2
    assert at.get("download_button")[0].label.startswith("Download source file")


def test_case_link_on_any_page_goes_to_the_case(app) -> None:
    at = app(case="CM16-0000002")
    assert at.title[0].value == "Case CM16-0000002"


def test_unknown_case_says_so(app) -> None:
    at = app("case", case="CM99-9999999")
    healthy(at)
    assert any("No letter" in w.value for w in at.warning)


def test_case_opens_from_the_table(app, db: Path) -> None:
    at = app("cases")
    at.selectbox(key="cases_sort").set_value("case_number").run()
    at.toggle(key="cases_desc").set_value(False).run()
    at.session_state["cases_table__1"] = {"selection": {"rows": [3], "columns": [], "cells": []}}
    at.run()
    rows = sql(
        db,
        "select case_number from decisions join letters using (letter_id) "
        "order by case_number, item_no limit 4",
    )
    assert at.title[0].value == f"Case {rows[3][0]}"
    healthy(at)


def test_cases_search_shows_highlighted_snippets(app, db: Path) -> None:
    at = app("cases")
    at.text_input(key="cases_search").set_value("restoration").run()
    healthy(at)
    assert url(at, "search") == ["restoration"]
    (n,) = sql(db, "select count(*) from decisions where rationale ilike '%restoration%'")[0]
    assert any(c.value.startswith(f"{n} decisions match 'restoration'") for c in at.caption)
    snippets = [m.value for m in at.markdown if "item" in m.value and "**restoration**" in m.value]
    assert snippets


def test_downloads_hold_exactly_the_filtered_rows(app, db: Path) -> None:
    from ui import downloads

    at = app("cases", spec="Orthopedic Surgery", cat="Pharmaceuticals")
    labels = {b.label for b in at.get("download_button")}
    assert {"Download CSV", "Download Parquet", "Manifest (JSON)"} <= labels
    f = at.session_state["filters"]
    want = set(
        sql(
            db,
            "select letter_id, item_no from decisions join letters using (letter_id) "
            "where reviewer_specialty = 'Orthopedic Surgery' "
            "and service_category = 'Pharmaceuticals'",
        )
    )
    csv = pl.read_csv(io.BytesIO(downloads.export(f, "csv")))
    parquet = pl.read_parquet(io.BytesIO(downloads.export(f, "parquet")))
    for got in (csv, parquet):
        assert set(got.select("letter_id", "item_no").iter_rows()) == want
        assert got.height == len(want)


def test_breakdown_click_filters_the_other_charts(app, db: Path) -> None:
    at = app("breakdown")
    assert len(at.get("vega_lite_chart")) == 2  # main and the open tab's (the drill-down)
    at.session_state["bd_main"] = {"selection": {"pick": [{"service_category": "Pharmaceuticals"}]}}
    at.run()
    healthy(at)
    assert any("filtered to Service category = Pharmaceuticals" in i.value for i in at.info)


def bold_headings(at: AppTest) -> list[str]:
    return [m.value.split("** - ")[0].strip("*") for m in at.markdown if "** - " in m.value]


def test_breakdown_draws_only_the_open_tab_and_links_to_it(app) -> None:
    """The charts under the main one sit in lazy tabs: one drawn at a time, the open tab in the
    URL (`tab`), a dimension change falls back to the first tab, a bad link value is named."""
    at = app("breakdown")
    from queries.vocab import DIMENSIONS as D

    state, heat = D["reviewer_state"], "Reviewer specialty × service category"
    assert [t.label for t in at.tabs] == [
        "Subcategory", "IMR guideline source", "Claims admin. guideline source",
        "IMR MTUS chapter", "Reviewer specialty", "Reviewer state", "Specialty × category",
    ]  # fmt: skip
    assert bold_headings(at) == [D["service_category"], D["service_subcategory"]]
    assert url(at, "tab") == ["service_subcategory"]
    at.session_state["bd_tab"] = "Reviewer state"  # the analyst opens another tab
    at.run()
    assert bold_headings(at) == [D["service_category"], state]
    assert len(at.get("vega_lite_chart")) == 2 and url(at, "tab") == ["reviewer_state"]
    at.session_state["bd_tab"] = "Specialty × category"
    at.run()
    assert bold_headings(at) == [D["service_category"], heat]
    assert len(at.get("vega_lite_chart")) == 2
    assert url(at, "tab") == ["specialty_x_category"]
    at.session_state["bd_tab"] = "Reviewer specialty"
    at.run()
    at.selectbox(key="bd_dim").set_value("reviewer_specialty").run()  # its own tab goes away
    assert "Reviewer specialty" not in [t.label for t in at.tabs]
    assert bold_headings(at) == [D["reviewer_specialty"], D["imr_guideline_source"]]
    assert url(at, "tab") == ["imr_guideline_source"]
    healthy(at)
    linked = app("breakdown", tab="reviewer_state")
    assert bold_headings(linked) == [D["service_category"], state]
    bad = app("breakdown", tab="nonsense")
    assert any("tab='nonsense'" in w.value.replace("\\", "") for w in bad.warning)
    assert bold_headings(bad) == [D["service_category"], D["service_subcategory"]]
    healthy(bad)


def test_compare_writes_a_memo_sentence(app, db: Path) -> None:
    at = app("compare")
    at.selectbox(key="cmp_field").set_value("reviewer_specialty").run()
    at.multiselect(key="cmp_A_reviewer_specialty").set_value(["Family Practice"]).run()
    at.multiselect(key="cmp_B_reviewer_specialty").set_value(["Orthopedic Surgery"]).run()
    healthy(at)
    counts = dict(
        sql(
            db,
            "select reviewer_specialty, count(*) filter (overturned) || ' of ' "
            "|| count(*) from decisions join letters using (letter_id) group by 1",
        )
    )
    text = " ".join(m.value for m in at.markdown)
    assert f"{counts['Family Practice']} decisions overturned" in text
    assert "percentage points" in text
    # each group's decisions can be downloaded: CSV, Parquet and manifest per group
    keys = {b.key for b in at.get("download_button")}
    assert {f"compare_{g}_{kind}" for g in "AB" for kind in ("csv", "parquet", "manifest")} <= keys


def test_fresh_data_after_an_ingest(app, db: Path, tmp_path: Path, monkeypatch) -> None:
    import shutil

    copy = tmp_path / "imr.duckdb"
    shutil.copy(db, copy)
    monkeypatch.setenv("IMR_DB", str(copy))
    at = app()
    before = metric(at, "Decisions (items)")
    with duckdb.connect(str(copy)) as con:  # what an ingest run does, in miniature
        con.sql(
            "insert into decisions select letter_id, 9, service, original_request, "
            "authorized_portion, partly_authorized, service_category, service_subcategory, "
            "drug_class, outcome, overturned, ca_guideline, imr_guideline, "
            "ca_guideline_source, imr_guideline_source, ca_mtus_chapter, imr_mtus_chapter, "
            "rationale, nextval('decision_no_seq') from decisions "
            "where letter_id = 'CM16-0000001' and item_no = 1"
        )
    at.run()
    assert metric(at, "Decisions (items)") == f"{int(before.replace(',', '')) + 1:,}"


def test_no_database_says_how_to_get_one(app, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("IMR_DB", str(tmp_path / "missing.duckdb"))
    at = app()
    healthy(at)
    assert any("No database at" in i.value for i in at.info)
    assert not (tmp_path / "missing.duckdb").exists()  # reading never creates it


def test_upload_goes_through_the_ingest_pipeline(tmp_path: Path) -> None:
    from ui import upload

    seed = SEED_LETTER.read_bytes()
    db = tmp_path / "imr.duckdb"
    first = upload.ingest([("../../seed letter.txt", seed)], db)
    assert (first.added, len(first.quarantined)) == (1, 0)
    saved = list(upload.upload_dir(db).rglob("*.txt"))
    assert [p.name for p in saved] == ["seed_letter.txt"]  # no path escape, no spaces
    again = upload.ingest([("seed letter.txt", seed)], db)
    assert again.added == 0
    (stored,) = sql(db, "select source_path from letters")[0]
    assert Path(stored) == saved[0].resolve()


def test_data_page_counts_letters_left_by_an_older_parser(
    app, db: Path, tmp_path: Path, monkeypatch
) -> None:
    import shutil

    at = app("data")
    healthy(at)
    # every letter in the test database is at the current version
    assert not any("older parser version" in w.value for w in at.warning)
    copy = tmp_path / "imr.duckdb"
    shutil.copy(db, copy)
    with duckdb.connect(str(copy)) as con:
        con.sql("update letters set parser_version = '0' where letter_id in "
                "(select letter_id from letters order by letter_id limit 3)")  # fmt: skip
    monkeypatch.setenv("IMR_DB", str(copy))
    at = app("data")
    healthy(at)
    assert any("3 letters were parsed by an older parser version" in w.value for w in at.warning)


# Links reproduce the view: every page's controls come back from its URL in a fresh session.


def _inert(markdown: str) -> None:
    """Rendered as CommonMark (tables, strikethrough) it makes no link, image or HTML, and
    leaves no autolink (`http://`, `www.`) for GFM's linkify to find."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    assert "<a " not in html and "<img" not in html and "<b>" not in html, html
    assert not re.search(r"(?<!\\):/", markdown) and "www." not in markdown


def test_overview_period_is_in_the_link(app) -> None:
    at = app(period="year")
    healthy(at)
    assert at.session_state["overview_grain"] == "year"
    sentence = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "(2017, n = " in sentence and " Q" not in sentence  # year labels, not quarters
    at.segmented_control(key="overview_grain").set_value("month").run()
    assert url(at, "period") == ["month"]


def test_breakdown_link_restores_dimension_min_n_and_the_clicked_bar(app, db: Path) -> None:
    at = app("breakdown")
    at.selectbox(key="bd_dim").set_value("reviewer_specialty").run()
    at.number_input(key="bd_min_n").set_value(5).run()
    at.session_state["bd_main"] = {
        "selection": {"pick": [{"reviewer_specialty": "Family Practice"}]}
    }
    at.run()
    link = {k: url(at, k) for k in ("dim", "min_n", "pick")}
    assert link == {"dim": ["reviewer_specialty"], "min_n": ["5"], "pick": ["Family Practice"]}
    fresh = app("breakdown", **{k: v for k, v in link.items()})
    healthy(fresh)
    assert fresh.session_state["bd_dim"] == "reviewer_specialty"
    assert fresh.session_state["bd_min_n"] == 5
    assert any("filtered to Reviewer specialty = Family Practice" in i.value for i in fresh.info)
    (n,) = sql(db, "select count(*) from decisions join letters using (letter_id) "
                   "where reviewer_specialty = 'Family Practice'")[0]  # fmt: skip
    assert any(f"({n:,} decisions)" in c.value for c in fresh.caption)  # downloads follow it


def test_compare_link_restores_both_groups(app) -> None:
    at = app(
        "compare", cmp="reviewer_specialty", a="Family Practice", b=["Orthopedic Surgery", "Nobody"]
    )
    healthy(at)
    assert at.multiselect(key="cmp_A_reviewer_specialty").value == ["Family Practice"]
    assert at.multiselect(key="cmp_B_reviewer_specialty").value == ["Orthopedic Surgery"]
    assert any("b='Nobody'" in w.value.replace("\\", "") for w in at.warning)  # named, alone
    assert url(at, "b") == ["Orthopedic Surgery"]


def test_compare_says_when_groups_share_decisions(app, db: Path) -> None:
    at = app("compare", cmp="reviewer_specialty", a=["Family Practice", "Orthopedic Surgery"],
             b="Family Practice")  # fmt: skip
    healthy(at)
    (shared,) = sql(db, "select count(*) from decisions join letters using (letter_id) "
                        "where reviewer_specialty = 'Family Practice'")[0]  # fmt: skip
    assert any(f"share {shared:,} decisions" in w.value for w in at.warning)
    text = at.code[0].value
    assert "no test of a difference" in text and "p =" not in text and "p <" not in text


def test_cases_link_restores_search_sort_and_page(app, db: Path) -> None:
    at = app("cases", search="therapy", page="2")
    healthy(at)
    assert at.text_input(key="cases_search").value == "therapy"
    assert at.number_input(key="cases_page").value == 2
    at2 = app("cases", sort="case_number", desc="0", page="3")
    assert at2.selectbox(key="cases_sort").value == "case_number"
    assert at2.toggle(key="cases_desc").value is False
    rows = sql(db, "select case_number from decisions join letters using (letter_id) "
                   "order by case_number, item_no limit 1 offset 100")  # fmt: skip
    assert at2.dataframe[0].value["case_number"].iloc[0] == rows[0][0]


def test_case_link_and_the_lookup_box_agree(app) -> None:
    at = app("case", case="CM16-0000001")
    assert at.text_input(key="case_lookup").value == "CM16-0000001"
    at.text_input(key="case_lookup").set_value("CM16-0000002").run()
    assert at.title[0].value == "Case CM16-0000002" and url(at, "case") == ["CM16-0000002"]


def test_a_bad_link_value_drops_only_itself(app, db: Path) -> None:
    at = app(spec="Nobody", cat="Pharmaceuticals")
    healthy(at)
    (n,) = sql(db, "select count(*) from decisions where service_category = 'Pharmaceuticals'")[0]
    assert metric(at, "Decisions (items)") == f"{n:,}"
    assert url(at, "cat") == ["Pharmaceuticals"] and "spec" not in at.query_params
    assert any("Nobody" in w.value and "dropped" in w.value for w in at.warning)
    bad_period = app(period="decade")
    assert any("period" in w.value for w in bad_period.warning)
    assert url(bad_period, "period") == ["quarter"]


def test_cases_download_holds_exactly_the_rows_the_search_shows(app, db: Path) -> None:
    from ui import downloads

    at = app("cases", cat="Rehabilitation", search="restoration")
    healthy(at)
    (n,) = sql(db, "select count(*) from decisions where rationale ilike '%restoration%' "
                   "and service_category = 'Rehabilitation'")[0]  # fmt: skip
    assert 0 < n < sql(db, "select count(*) from decisions")[0][0]
    assert any(c.value.startswith(f"{n} decisions match") for c in at.caption)
    shown = at.session_state["filters"].replace(text="restoration")
    csv = pl.read_csv(io.BytesIO(downloads.export(shown, "csv", bom=True)))
    assert csv.height == n
    names = {b.key: b for b in at.get("download_button")}
    assert "cases_csv" in names
    assert any("the sidebar filters and the search" in c.value for c in at.caption)


def test_download_names_carry_the_view() -> None:
    from datetime import date

    from queries.filters import Filters
    from ui import format as fmt

    f = Filters(service_category=("Pharmaceuticals",), date_from=date(2016, 1, 1),
                date_to=date(2016, 12, 31))  # fmt: skip
    assert fmt.file_stem(f) == "imr-decisions_2016_cat-Pharmaceuticals"
    assert fmt.file_stem(Filters(), tag="group-A") == "imr-decisions_group-A"


def test_csv_download_has_a_bom_for_excel(app) -> None:
    from queries.filters import Filters
    from ui import downloads

    app()
    assert downloads.export(Filters(), "csv", bom=True).startswith(b"\xef\xbb\xbf")
    assert not downloads.export(Filters(), "csv").startswith(b"\xef\xbb\xbf")


def test_link_text_is_shown_inert(app) -> None:
    at = app(cat="[Sign in](http://x)", period="![x](http://host/beacon.png)")
    healthy(at)
    notices = [w.value for w in at.warning if "dropped" in w.value]
    assert notices and "Sign in" in notices[0]
    for text in notices:
        _inert(text)
    at = app("cases", search="[Sign in](http://x)")
    for m in [*at.markdown, *at.caption, *at.info]:
        _inert(m.value)
    at = app("case", case="[Sign in](http://x)")
    _inert(at.title[0].value)
    for w in at.warning:
        _inert(w.value)


def test_letter_text_is_shown_inert(app, db: Path, tmp_path: Path, monkeypatch) -> None:
    import shutil

    copy = tmp_path / "imr.duckdb"
    shutil.copy(db, copy)
    with duckdb.connect(str(copy)) as con:
        con.sql("update decisions set rationale = 'See ![x](http://host/beacon.png) and "
                "[Sign in](http://x) <img src=x> www.evil.example' "
                "where letter_id = 'CM16-0000001'")  # fmt: skip
    monkeypatch.setenv("IMR_DB", str(copy))
    at = app("case", case="CM16-0000001")
    healthy(at)
    body = [m.value for m in at.markdown if "beacon" in m.value]
    assert body
    for text in body:
        _inert(text)


def test_a_search_without_words_says_what_to_do(app) -> None:
    at = app("cases", search="*** !!")
    healthy(at)
    assert any("no word to search for" in i.value for i in at.info)
    assert not at.error


def test_cases_has_the_synthetic_notice_and_human_headers(app) -> None:
    at = app("cases")
    assert any("Demo data" in w.value for w in at.warning)


def test_decided_states_the_actual_span(app, db: Path) -> None:
    at = app()
    first, last = sql(db, "select min(decision_date), max(decision_date) from letters")[0]
    span = f"{first:%b %Y} – {last:%b %Y}"
    assert any(f"Decided {span}" in c.value for c in at.caption)
