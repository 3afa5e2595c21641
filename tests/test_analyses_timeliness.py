"""Timeliness against polars on raw letters: per letter spans, median / p90 / mean (linear
quantiles), share over 30 days, missing and negative spans, per period and per group."""

from __future__ import annotations

import polars as pl
import pytest
from scipy.stats import binomtest

import queries as q
from tests.analysesdb import (
    FILTER_CASES,
    build_analyses_db,
    expand_states,
    isclose,
    letters_raw,
    raw,
)

SPANS = {
    "assigned_to_decision": pl.col("decision_date") - pl.col("date_assigned"),
    "ur_denial_to_application": pl.col("application_received") - pl.col("ur_denial_date"),
}


@pytest.fixture(scope="module", params=["derived", "join"])
def db(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("t") / "imr.duckdb"
    build_analyses_db(path, derived=request.param == "derived")
    q.build_search_index(path)
    return path


@pytest.fixture(scope="module")
def rows(db):
    return raw(db)


@pytest.fixture(scope="module")
def letters(db):
    return letters_raw(db).select(
        "letter_id", *(e.dt.total_days().alias(k) for k, e in SPANS.items())
    )


@pytest.fixture(scope="module")
def con(db, rows, letters):
    con = q.open_db(db)
    yield con
    con.close()


def check(got: dict, days: pl.Series) -> None:
    valid = days.drop_nulls().filter(days.drop_nulls() >= 0)
    assert got["letters"] == days.len()
    assert got["missing_dates"] == days.null_count()
    assert got["negative"] == int((days.drop_nulls() < 0).sum())
    assert got["measured"] == valid.len()
    if valid.len() == 0:
        assert got["median_days"] is None
        return
    assert isclose(got["median_days"], valid.quantile(0.5, interpolation="linear"))
    assert isclose(got["p90_days"], valid.quantile(0.9, interpolation="linear"))
    assert isclose(got["mean_days"], valid.mean())
    over = int((valid > 30).sum())
    assert got["over_30"] == over
    ci = binomtest(over, valid.len()).proportion_ci(method="wilson")
    assert isclose(got["ci_low"], ci.low) and isclose(got["ci_high"], ci.high)


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_overall_timeliness(con, rows, letters, case):
    kwargs, expr = FILTER_CASES[case]
    matching = rows.filter(expr).select("letter_id").unique().join(letters, on="letter_id")
    got = q.timeliness(con, q.Filters(**kwargs))
    assert got["measure"].to_list() == list(SPANS)
    for r in got.iter_rows(named=True):
        check(r, matching[r["measure"]])
    assert got["negative"].sum() > 0 or case != "none"  # the test data has misread dates


@pytest.mark.parametrize("grain", ["month", "quarter", "year"])
def test_timeliness_by_period(con, rows, letters, grain):
    every = {"month": "1mo", "quarter": "1q", "year": "1y"}[grain]
    dated = (
        rows.filter(pl.col("decision_date").is_not_null())
        .select("letter_id", pl.col("decision_date").dt.truncate(every).alias("period"))
        .unique()
        .join(letters, on="letter_id")
    )
    got = q.timeliness(con, q.Filters(), grain=grain)
    assert got.height == dated["period"].n_unique() * 2
    for r in got.iter_rows(named=True):
        check(r, dated.filter(pl.col("period") == r["period"])[r["measure"]])


@pytest.mark.parametrize("by", ["service_category", "reviewer_state", "priority"])
def test_timeliness_by_group_counts_a_letter_once_per_group(con, rows, letters, by):
    kwargs, expr = FILTER_CASES["categories"]
    want = rows.filter(expr)
    want = expand_states(want) if by == "reviewer_state" else want
    want = want.select("letter_id", by).unique().join(letters, on="letter_id")
    got = q.timeliness(con, q.Filters(**kwargs), by=by)
    assert got.height == want[by].n_unique() * 2
    for r in got.iter_rows(named=True):
        check(r, want.filter(pl.col(by) == r[by])[r["measure"]])
