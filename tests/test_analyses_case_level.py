"""Case-level outcomes, items per letter and partly authorised vs fully denied against polars
on raw letters and rows."""

from __future__ import annotations

import polars as pl
import pytest

import queries as q
from queries.case_level import OUTCOME_ORDER
from tests.analysesdb import (
    FILTER_CASES,
    clustered_reference,
    isclose,
    period,
    wilson,
)


@pytest.fixture(scope="module")
def rows(analyses_raw):
    return analyses_raw


@pytest.mark.parametrize("case", list(FILTER_CASES))
@pytest.mark.parametrize("grain", [None, "quarter"])
def test_case_outcomes_match_polars(analyses_con, rows, case, grain):
    kwargs, expr = FILTER_CASES[case]
    letters = rows.filter(expr).unique("letter_id")
    key = "scope"
    if grain:
        letters = letters.filter(pl.col("decision_date").is_not_null()).with_columns(period(grain))
        key = "period"
    else:
        letters = letters.with_columns(pl.lit("all").alias("scope"))
    got = q.case_outcomes(analyses_con, q.Filters(**kwargs), grain)
    assert got.height == letters[key].n_unique() * 3
    for value in got[key].unique():
        at = got.filter(pl.col(key) == value)
        assert at["case_outcome"].to_list() == list(OUTCOME_ORDER)
        mine = letters.filter(pl.col(key) == value)
        for r in at.iter_rows(named=True):
            k = mine.filter(pl.col("case_outcome") == r["case_outcome"]).height
            assert (r["letters"], r["total_letters"]) == (k, mine.height)
            assert (r["ci_low"], r["ci_high"]) == pytest.approx(wilson(k, mine.height), abs=1e-9)


@pytest.mark.parametrize("case", ["none", "categories"])
def test_items_per_letter_counts_the_whole_letter(analyses_con, rows, case):
    kwargs, expr = FILTER_CASES[case]
    whole = rows.group_by("letter_id").len().rename({"len": "items"})
    mine = rows.filter(expr).select("letter_id").unique().join(whole, on="letter_id")
    got = q.items_per_letter(analyses_con, q.Filters(**kwargs)).row(0, named=True)
    assert (got["letters"], got["items"]) == (mine.height, mine["items"].sum())
    multi = int((mine["items"] > 1).sum())
    assert got["multi_item_letters"] == multi
    assert isclose(got["items_per_letter"], mine["items"].mean())
    assert (got["ci_low"], got["ci_high"]) == pytest.approx(wilson(multi, mine.height), abs=1e-9)
    by_month = q.items_per_letter(analyses_con, q.Filters(**kwargs), "month")
    dated = rows.filter(expr, pl.col("decision_date").is_not_null())["letter_id"].n_unique()
    assert by_month["letters"].sum() == dated


@pytest.mark.parametrize("case", ["none", "state_and_date"])
def test_partly_vs_denied(analyses_con, rows, case):
    kwargs, expr = FILTER_CASES[case]
    want = rows.filter(expr)
    got = q.partly_vs_denied(analyses_con, q.Filters(**kwargs))
    assert set(got["partly_authorized"]) == {True, False}
    for r in got.iter_rows(named=True):
        side = want.filter(pl.col("partly_authorized") == r["partly_authorized"])
        assert r["decisions"] == side.height
        assert isclose(r["deff"], clustered_reference(side)["deff"], 1e-7)
    d = q.partly_vs_denied_difference(got)
    yes = got.filter(pl.col("partly_authorized")).row(0, named=True)
    no = got.filter(~pl.col("partly_authorized")).row(0, named=True)
    assert isclose(d["diff"], yes["rate"] - no["rate"])
    assert d["ci_low"] < d["diff"] < d["ci_high"]
    assert q.partly_vs_denied_difference(got.filter(pl.col("partly_authorized"))) is None
