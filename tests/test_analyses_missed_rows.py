"""A text in most rows: standardisation answered as the other filters' answer less what the text
misses (queries/missed_rows.py), timeliness, case outcomes and items per letter from the first
rows of the parts it matches (queries/part_hits.py). Each is
checked against the general path (the same query with the shortcut refused) and against polars
on the raw rows the search index matches, on a database whose state lists sometimes name a
state twice (a letter counts once per state in timeliness; standardisation counts per listing).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

import queries as q
from queries import case_level, missed_rows, part_hits
from queries.filters import Filters
from tests.analysesdb import (
    assert_fast_paths_equal_the_general_path,
    expand_states,
    indexed_with_repeated_states,
    isclose,
    letters_raw,
    refused,
    rows_matching,
)
from tests.keptdb import kept
from tests.test_analyses_standardised import expected_counts
from tests.test_analyses_timeliness import SPANS, check

timeliness = importlib.import_module("queries.timeliness")  # the package re-exports the function
standardised = importlib.import_module("queries.standardised")
WORD = "documentation"  # in ~60 % of the rows of the test data: the index answers with misses


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Path]:
    yield from kept(indexed_with_repeated_states(tmp_path_factory.mktemp("missed") / "imr.duckdb"))


@pytest.fixture(scope="module")
def hits(db):
    return rows_matching(db, WORD)


@pytest.fixture(scope="module")
def spans(db):
    return letters_raw(db).select(
        "letter_id", "item_count", *(e.dt.total_days().alias(k) for k, e in SPANS.items())
    )


OTHERS = {
    "none": {},
    "one category": {"service_category": ("Pharmaceuticals",)},
    "states and sex": {"reviewer_state": ("Texas", "California"), "patient_sex": ("female",)},
    "partly": {"partly_authorized": True},
}


def calls(f: Filters) -> list:
    return [
        lambda con: timeliness.timeliness(con, f),
        lambda con: timeliness.timeliness(con, f, grain="quarter"),
        lambda con: timeliness.timeliness(con, f, by="service_category"),
        lambda con: timeliness.timeliness(con, f, by="reviewer_state"),
        lambda con: timeliness.timeliness(con, f, by="guideline_agreement"),
        lambda con: case_level.case_outcomes(con, f),
        lambda con: case_level.case_outcomes(con, f, "month"),
        lambda con: case_level.items_per_letter(con, f),
        lambda con: case_level.items_per_letter(con, f, "year"),
        lambda con: standardised.standardised(con, f, "reviewer_specialty"),
        lambda con: standardised.standardised(con, f, "reviewer_state"),
        lambda con: standardised.standardised(con, f, "licensed_in_california"),
    ]


@pytest.mark.parametrize("case", list(OTHERS))
def test_missed_rows_paths_equal_the_general_path(db, monkeypatch, case):
    f = Filters(text=WORD, **OTHERS[case])
    taken = []
    real = part_hits.matched
    monkeypatch.setattr(timeliness, "matched", lambda *a: taken.append(1) or real(*a))
    for module in (case_level, timeliness):  # (matched: the fallback of the text's counts)
        monkeypatch.setattr(module, "counted", refused)
    with q.open_db(db) as con, missed_rows.missed(con, f) as m:
        assert m is not None and m.others == Filters(**OTHERS[case])
    assert_fast_paths_equal_the_general_path(db, calls(f), monkeypatch)
    assert taken  # the matched parts' path answered (queries/part_hits.py)


def test_timeliness_under_the_text_matches_polars(db, hits, spans):
    con = q.open_db(db)
    try:
        overall = q.timeliness(con, Filters(text=WORD))
        by_state = q.timeliness(con, Filters(text=WORD), by="reviewer_state")
    finally:
        con.close()
    matching = hits.select("letter_id").unique().join(spans, on="letter_id")
    for r in overall.iter_rows(named=True):
        check(r, matching[r["measure"]])
    states = expand_states(hits).select("letter_id", "reviewer_state").unique()
    states = states.join(spans, on="letter_id")
    assert by_state.height == states["reviewer_state"].n_unique() * 2
    for r in by_state.iter_rows(named=True):
        check(r, states.filter(pl.col("reviewer_state") == r["reviewer_state"])[r["measure"]])


def test_letters_under_the_text_match_polars(db, hits, spans):
    con = q.open_db(db)
    try:
        outcomes = q.case_outcomes(con, Filters(text=WORD))
        sizes = q.items_per_letter(con, Filters(text=WORD))
    finally:
        con.close()
    letters = hits.select("letter_id", "case_outcome").unique().join(spans, on="letter_id")
    want = dict(letters.group_by("case_outcome").len().iter_rows())
    assert dict(zip(outcomes["case_outcome"], outcomes["letters"], strict=True)) == want
    assert sizes["letters"][0] == letters.height
    assert sizes["items"][0] == letters["item_count"].sum()
    assert sizes["multi_item_letters"][0] == (letters["item_count"] > 1).sum()


def test_standardised_under_the_text_matches_polars(db, hits):
    con = q.open_db(db)
    try:
        got = q.standardised(con, Filters(text=WORD), "reviewer_state", min_n=20)
    finally:
        con.close()
    rows = hits.with_columns(pl.col("decision_year").fill_null("undated"))
    ref = {r["grp"]: r for r in expected_counts(rows, "reviewer_state").iter_rows(named=True)}
    assert set(got["grp"]) == set(ref)
    sub_year = got["strata"][0] != "subcategory"
    for r in got.iter_rows(named=True):
        want = ref[r["grp"]]
        assert (r["decisions"], r["observed"]) == (want["n"], want["o"])
        assert isclose(r["expected"], want["e_sy" if sub_year else "e_sub"])
