"""Guideline agreement cross-tabs and agreement-group rates against polars on raw rows."""

from __future__ import annotations

import polars as pl
import pytest
from scipy.stats import binomtest

import queries as q
from tests.analysesdb import FILTER_CASES, isclose


@pytest.fixture(scope="module")
def rows(analyses_raw):
    return analyses_raw


@pytest.mark.parametrize("case", list(FILTER_CASES))
@pytest.mark.parametrize(("level", "ca", "imr"), [
    ("source", "ca_guideline_source", "imr_guideline_source"),
    ("chapter", "ca_mtus_chapter", "imr_mtus_chapter"),
])  # fmt: skip
def test_agreement_table_matches_polars(analyses_con, rows, case, level, ca, imr):
    kwargs, expr = FILTER_CASES[case]
    want = rows.filter(expr)
    cells = want.group_by(ca, imr).agg(pl.len().alias("n"), pl.col("overturned").sum().alias("k"))
    row_totals = dict(want.group_by(ca).len().iter_rows())
    got = q.agreement_table(analyses_con, q.Filters(**kwargs), level, min_n=10)
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


def test_agreement_rates_cover_every_decision_once(analyses_con, rows):
    got = q.agreement_rates(analyses_con, q.Filters())
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
