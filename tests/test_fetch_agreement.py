"""Agreement with DWC's coding, pinned on the fake corpus whose disagreements were placed by
hand (fetch/fake_disagreements.toml): 40 real letters, 84 items."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import streamlit as st
from scipy.stats import binomtest
from streamlit.testing.v1 import AppTest

from fetch.run import run_fetch
from imr.fetch_run import ingest_into
from queries import open_db
from queries.agreement import agreement
from tests.fetchsite import make_client, make_plan, make_site

# field -> (agree, compared), counted by hand from fake_disagreements.toml
PINNED = {
    "item outcome": (82, 84),
    "case outcome": (39, 40),
    "decision date": (39, 40),
    "reviewer specialty": (39, 40),
    "service category": (82, 84),
    "subcategory / drug class": (80, 84),
    "item count": (40, 40),
}
PLACED = {
    ("CM16-0230548", None, "reviewer specialty", "Occupational Medicine", "Preventive Medicine"),
    ("CM16-0235869", 2, "service category", "DMEPOS", "Rehabilitation"),
    ("CM16-0235869", 2, "subcategory / drug class", "Electrical Stimulation", "Other Therapies"),
    ("CM16-0247802", 3, "item outcome", "Overturned", "Upheld"),
    ("CM17-0002181", None, "decision date", "2017-02-01", "2017-01-31"),
    ("CM17-0005344", 1, "service category", "Rehabilitation", "Evaluation & Management"),
    ("CM17-0005344", 1, "subcategory / drug class", "Chiropractic", "Medical Specialties"),
    ("CM17-0005344", 3, "subcategory / drug class", "PT/OT", "Other Therapies"),
    ("CM17-0014438", 1, "subcategory / drug class", "Misc Analgesics", "Opioids"),
    ("CM17-0015348", None, "case outcome", "Upheld", "Overturned"),
    ("CM17-0015348", 1, "item outcome", "Upheld", "Overturned"),
}


@pytest.fixture(scope="module")
def fetched(tmp_path_factory) -> Path:
    """The fake corpus fetched and ingested through the CLI's own ingest step."""
    tmp = tmp_path_factory.mktemp("agreement")
    plan = make_plan(tmp)
    # held open as the store and ingest open it (read-write, DuckDB's defaults): their ~30
    # connects attach to one instance; a connect with other settings would be refused
    with make_client(make_site()) as client, duckdb.connect(str(plan.db)):
        summary = run_fetch(client, plan, ingest_files=ingest_into(plan.db))
    assert summary.exit_code == 0 and summary.ingest_added == 40
    return plan.db


@pytest.fixture(scope="module")
def result(fetched):
    con = open_db(fetched)
    try:
        return agreement(con)
    finally:
        con.close()


def test_every_fetched_letter_was_ingested(fetched):
    con = duckdb.connect(str(fetched), read_only=True)
    try:
        ours = con.execute("select case_number from letters order by 1").fetchall()
        dwc = con.execute("select distinct case_number from dwc_search order by 1").fetchall()
    finally:
        con.close()
    assert ours == dwc and len(ours) == 40


def test_coverage(result):
    assert result.coverage == {
        "dwc_cases": 40, "parsed_cases": 40, "dwc_items": 84, "matched_items": 84,
    }  # fmt: skip


def test_per_field_agreement_is_pinned(result):
    got = {r["field"]: (r["agree"], r["compared"]) for r in result.fields.iter_rows(named=True)}
    assert got == PINNED
    assert result.fields["field"].to_list() == list(PINNED)  # in this order


def test_intervals_are_wilson(result):
    for row in result.fields.iter_rows(named=True):
        ci = binomtest(row["agree"], row["compared"]).proportion_ci(method="wilson")
        assert row["ci_low"] == pytest.approx(ci.low, abs=1e-9)
        assert row["ci_high"] == pytest.approx(ci.high, abs=1e-9)
        assert row["agreement"] == pytest.approx(row["agree"] / row["compared"])


def test_the_disagreements_are_exactly_the_placed_ones(result):
    got = {
        (r["case_number"], r["item_position"], r["field"], r["dwc"], r["ours"])
        for r in result.disagreements.iter_rows(named=True)
    }
    assert got == PLACED
    assert (result.disagreements["letter_id"] == result.disagreements["case_number"]).all()


def test_confusion_table(result):
    cells = {(r["dwc_category"], r["our_category"]): r["items"]
             for r in result.confusion.iter_rows(named=True)}  # fmt: skip
    off = {k: v for k, v in cells.items() if k[0] != k[1]}
    assert off == {
        ("DMEPOS", "Rehabilitation"): 1,
        ("Rehabilitation", "Evaluation & Management"): 1,
    }
    assert sum(cells.values()) == 84
    # Our side of each column, recounted from the hand-checked categories
    ours: dict[str, int] = {}
    for (_, our), n in cells.items():
        ours[our] = ours.get(our, 0) + n
    assert ours == {"Diagnostic Testing": 21, "Pharmaceuticals": 23, "Rehabilitation": 24,
                    "Injection": 5, "DMEPOS": 4, "Surgery": 4, "Evaluation & Management": 1,
                    "Home Health": 1, "Programs": 1}  # fmt: skip


def test_dwc_wording_is_mapped_not_counted_as_disagreement(fetched, result):
    con = duckdb.connect(str(fetched), read_only=True)
    try:
        long_ptot = con.execute(
            "select count(*) from dwc_search "
            "where subcategory = 'Physical Therapy/Occupational Therapy (PT/OT)'"
        ).fetchall()[0][0]
        benzo = con.execute(
            "select count(*) from dwc_search where drug_class = 'Benzodiazepines'"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert (long_ptot, benzo) == (14, 1)  # 13 PT/OT items + the placed pulsed ultrasound
    disagreeing = result.disagreements.filter(
        result.disagreements["field"] == "subcategory / drug class"
    )
    assert disagreeing.height == 4  # none of the 14 + 1 re-worded ones beyond the placed one


def test_no_dwc_rows_is_an_empty_result(real_db):
    con = open_db(real_db)
    try:
        empty = agreement(con)
    finally:
        con.close()
    assert empty.empty and empty.fields.is_empty()


APP = str(Path(__file__).resolve().parents[1] / "app.py")


def data_page(db: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("IMR_DB", str(db))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("ui/pages/data.py").run()  # opened at the page, as a link to it is
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_data_page_section_shows_the_figures_and_links_cases(fetched, monkeypatch):
    at = data_page(fetched, monkeypatch)
    assert "Agreement with DWC's coding" in [h.value for h in at.subheader]
    frames = [d.value for d in at.dataframe]
    fields = next(f for f in frames if "95 % CI" in f.columns)
    shown = dict(zip(fields["field"], fields["agree"], strict=True))
    assert shown["item outcome"] == "82 of 84 decisions"
    assert shown["case outcome"] == "39 of 40 letters"
    assert shown["subcategory / drug class"] == "80 of 84 decisions"
    assert list(fields["agreement"])[:2] == ["97.6 %", "97.5 %"]
    confusion = next(f for f in frames if "DWC category" in f.columns)
    dmepos = confusion[confusion["DWC category"] == "DMEPOS"].iloc[0]
    assert (dmepos["DMEPOS"], dmepos["Rehabilitation"]) == (4, 1)
    links = next(f for f in frames if "case" in f.columns and "ours" in f.columns)
    assert len(links) == len(PLACED)
    assert set(links["case"]) == {f"case?case={case}" for case, *_ in PLACED}


def test_data_page_without_dwc_rows_says_how_to_get_them(real_db, monkeypatch):
    at = data_page(real_db, monkeypatch)
    assert "Agreement with DWC's coding" in [h.value for h in at.subheader]
    assert any("`imr fetch` downloads letters" in c.value for c in at.caption)
