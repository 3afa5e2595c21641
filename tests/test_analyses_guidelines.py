"""Guideline agreement cross-tabs and agreement-group rates against polars on raw rows."""

from __future__ import annotations

import polars as pl
import pytest
from scipy.stats import binomtest

import queries as q
from tests.analysesdb import FILTER_CASES, build_analyses_db, isclose, raw


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_analyses_db(tmp_path_factory.mktemp("gl") / "imr.duckdb")
    q.build_search_index(path)
    return path


@pytest.fixture(scope="module")
def rows(db):
    return raw(db)


@pytest.fixture(scope="module")
def con(db, rows):
    con = q.open_db(db)
    yield con
    con.close()


@pytest.mark.parametrize("case", list(FILTER_CASES))
@pytest.mark.parametrize(("level", "ca", "imr"), [
    ("source", "ca_guideline_source", "imr_guideline_source"),
    ("chapter", "ca_mtus_chapter", "imr_mtus_chapter"),
])  # fmt: skip
def test_agreement_table_matches_polars(con, rows, case, level, ca, imr):
    kwargs, expr = FILTER_CASES[case]
    want = rows.filter(expr)
    cells = want.group_by(ca, imr).agg(pl.len().alias("n"), pl.col("overturned").sum().alias("k"))
    row_totals = dict(want.group_by(ca).len().iter_rows())
    got = q.agreement_table(con, q.Filters(**kwargs), level, min_n=10)
    assert got.height == cells.height
    lookup = {(r[ca], r[imr]): (r["k"], r["n"]) for r in cells.iter_rows(named=True)}
    for r in got.iter_rows(named=True):
        k, n = lookup[(r["ca"], r["imr"])]
        assert (r["overturned"], r["decisions"]) == (k, n)
        ci = binomtest(k, n).proportion_ci(method="wilson")
        assert isclose(r["ci_low"], ci.low) and isclose(r["ci_high"], ci.high)
        assert isclose(r["share_of_row"], n / row_totals[r["ca"]])
        assert r["same"] == (r["ca"] == r["imr"])
        assert r["small"] == (n < 10)


def test_agreement_rates_cover_every_decision_once(con, rows):
    got = q.agreement_rates(con, q.Filters())
    want = rows.group_by("guideline_agreement").agg(
        pl.len().alias("n"), pl.col("overturned").sum().alias("k")
    )
    assert dict(zip(got["guideline_agreement"], got["decisions"], strict=True)) == dict(
        zip(want["guideline_agreement"], want["n"], strict=True)
    )
    none = got.filter(pl.col("guideline_agreement") == "Reviewer cited none").row(0, named=True)
    reviewer_none = rows.filter(pl.col("imr_guideline_source") == "None cited")
    assert none["decisions"] == reviewer_none.height
    assert none["overturned"] == reviewer_none["overturned"].sum()
