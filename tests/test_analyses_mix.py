"""Mix over time and the opioid share against polars group-bys on raw rows."""

from __future__ import annotations

import polars as pl
import pytest

import queries as q
from queries.filters import FilterError
from tests.analysesdb import FILTER_CASES, isclose, period, wilson


@pytest.fixture(scope="module")
def rows(analyses_raw):
    return analyses_raw.filter(pl.col("decision_date").is_not_null())


@pytest.mark.parametrize("case", ["none", "state_and_date", "text_and_sex"])
@pytest.mark.parametrize(
    ("level", "within"),
    [("service_category", None), ("service_subcategory", "Pharmaceuticals"),
     ("drug_class", "Pharmaceuticals"), ("service_subcategory", "Rehabilitation"),
     ("priority", None)],
)  # fmt: skip
def test_mix_matches_polars(analyses_con, rows, case, level, within):
    kwargs, expr = FILTER_CASES[case]
    want = rows.filter(expr).with_columns(period("quarter"))
    if within:
        want = want.filter(pl.col("service_category") == within)
    got = q.mix(analyses_con, q.Filters(**kwargs), "quarter", level, within=within)
    counts = want.group_by("period", level).len()
    totals = want.group_by("period").len()
    assert got.height == totals.height * want[level].n_unique()  # zero-filled grid
    assert got["decisions"].sum() == want.height
    lookup = {(r["period"], r[level]): r["len"] for r in counts.iter_rows(named=True)}
    total = dict(totals.iter_rows())
    for r in got.iter_rows(named=True):
        k, n = lookup.get((r["period"], r["value"]), 0), total[r["period"]]
        assert (r["decisions"], r["period_decisions"]) == (k, n)
        assert isclose(r["share"], k / n)
        assert (r["ci_low"], r["ci_high"]) == pytest.approx(wilson(k, n), abs=1e-9)
    shares = got.group_by("period").agg(pl.col("share").sum())["share"]
    assert shares.to_list() == pytest.approx([1.0] * shares.len())


def test_mix_within_a_category_the_filters_exclude_is_empty(analyses_con):
    f = q.Filters(service_category=("Surgery",))
    assert q.mix(analyses_con, f, "year", "drug_class", within="Pharmaceuticals").is_empty()


def test_mix_refuses_groupings_whose_shares_do_not_add_up(analyses_con):
    with pytest.raises(FilterError, match="not a mix"):
        q.mix(analyses_con, q.Filters(), "year", "reviewer_state")
    with pytest.raises(FilterError, match="Unknown grain"):
        q.mix(analyses_con, q.Filters(), "week")


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_opioid_share_matches_polars(analyses_con, rows, case):
    kwargs, expr = FILTER_CASES[case]
    pharma = rows.filter(expr, pl.col("service_category") == "Pharmaceuticals")
    want = (
        pharma.with_columns(period("month"))
        .group_by("period")
        .agg(pl.len().alias("n"), (pl.col("drug_class") == "Opioids").sum().alias("k"))
    )
    got = q.opioid_share(analyses_con, q.Filters(**kwargs), "month")
    assert got.height == want.height
    expected = {r["period"]: (r["k"], r["n"]) for r in want.iter_rows(named=True)}
    for r in got.iter_rows(named=True):
        k, n = expected[r["period"]]
        assert (r["opioid_decisions"], r["pharma_decisions"]) == (k, n)
        assert (r["ci_low"], r["ci_high"]) == pytest.approx(wilson(k, n), abs=1e-9)
