"""Trend by group: top-k selection, pooling and per-period clustered rates against polars and
statsmodels; first-to-last changes against scipy (chi-square on effective counts) and BH
against statsmodels."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from scipy.stats import chi2_contingency, fisher_exact
from statsmodels.stats.multitest import multipletests

import queries as q
from queries.filters import Filters
from queries.group_trend import OTHER, group_trend
from tests.analysesdb import (
    FILTER_CASES,
    build_with_repeated_states,
    clustered_reference,
    isclose,
    period,
    raw,
)
from tests.keptdb import kept, plain


@pytest.fixture(scope="module")
def rows(analyses_raw):
    return analyses_raw.filter(pl.col("decision_date").is_not_null())


@pytest.mark.parametrize("case", ["none", "categories", "text_and_sex"])
@pytest.mark.parametrize(
    ("dimension", "k"), [("service_subcategory", 3), ("reviewer_specialty", 2), ("layout", 9)]
)
def test_group_trend_matches_polars_and_statsmodels(analyses_con, rows, case, dimension, k):
    kwargs, expr = FILTER_CASES[case]
    want = rows.filter(expr)
    sizes = want.group_by(dimension).len().sort(["len", dimension], descending=[True, False])
    top = sizes[dimension].head(k).to_list()
    want = want.with_columns(
        period("quarter"),
        pl.when(pl.col(dimension).is_in(top)).then(pl.col(dimension))
        .otherwise(pl.lit(OTHER)).alias("group"),
    )  # fmt: skip
    got = q.group_trend(analyses_con, q.Filters(**kwargs), dimension, "quarter", k=k)
    assert set(got["group"]) == set(top) | ({OTHER} if sizes.height > k else set())
    assert got.height == want.select("period", "group").n_unique()
    for r in got.iter_rows(named=True):
        cell = want.filter(pl.col("period") == r["period"], pl.col("group") == r["group"])
        ref = clustered_reference(cell)
        assert (r["decisions"], r["overturned"]) == (cell.height, int(cell["overturned"].sum()))
        assert isclose(r["deff"], ref["deff"], 1e-7)


def test_changes_first_to_last_complete_period(analyses_con, rows):
    f = q.Filters(date_to=date(2016, 12, 31))
    series = q.group_trend(analyses_con, f, "service_category", "quarter", k=4)
    changes = q.trend_changes(series)
    complete = series.filter(~pl.col("partial"))["period"].unique().sort()
    assert changes["first_period"].unique().to_list() == [complete[0]]
    assert changes["last_period"].unique().to_list() == [complete[-1]]
    assert series.filter(pl.col("partial"))["period"].min() < complete[0]  # a partial first
    p_values = []
    for c in changes.iter_rows(named=True):
        at = series.filter(pl.col("group") == c["group"])
        a = at.filter(pl.col("period") == c["first_period"]).row(0, named=True)
        b = at.filter(pl.col("period") == c["last_period"]).row(0, named=True)
        assert isclose(c["change"], b["rate"] - a["rate"])
        assert c["ci_low"] < c["change"] < c["ci_high"]
        da, db_ = max(1.0, a["deff"] or 1.0), max(1.0, b["deff"] or 1.0)
        table = [[b["overturned"] / db_, (b["decisions"] - b["overturned"]) / db_],
                 [a["overturned"] / da, (a["decisions"] - a["overturned"]) / da]]  # fmt: skip
        expected = chi2_contingency(table, correction=False).expected_freq.min()
        if expected >= 5:
            want = chi2_contingency(table, correction=False).pvalue
        else:
            want = fisher_exact([[round(x) for x in row] for row in table]).pvalue
        assert c["p_value"] == pytest.approx(want, rel=1e-9)
        p_values.append(c["p_value"])
    reject, q_values, _, _ = multipletests(p_values, alpha=0.05, method="fdr_bh")
    assert changes["q_value"].to_list() == pytest.approx(q_values.tolist())
    assert changes["beyond_noise"].to_list() == reject.tolist()


def test_changes_need_two_complete_periods(analyses_con):
    series = q.group_trend(analyses_con, q.Filters(), "service_category", "year")
    one = series.filter(pl.col("period") == series["period"].min())
    assert q.trend_changes(one).is_empty()


# The path over whole parts' first rows (queries/group_trend.py `pooled_parts`) against the
# general path (group sizes, then clustered_rate_by with the top k), on a database whose letters
# straddle pooled groups and whose state lists sometimes name a state twice.
group_trend_module = importlib.import_module("queries.group_trend")  # the name is a function too

POOLED_CASES = {
    "none": Filters(),
    "one category": Filters(service_category=("Pharmaceuticals",)),
    "states and date": Filters(reviewer_state=("Texas", "California"), date_from=date(2015, 9, 1)),
    "partly": Filters(partly_authorized=True),
}
POOLED_GROUPINGS = [("service_category", 2), ("service_category", 4), ("reviewer_specialty", 3),
                    ("partly_authorized", 1), ("guideline_agreement", 1),
                    ("service_category", 20), ("reviewer_state", 2),
                    ("reviewer_state", 30)]  # fmt: skip


@pytest.fixture(scope="module")
def repeated(tmp_path_factory) -> Iterator[Path]:
    yield from kept(build_with_repeated_states(tmp_path_factory.mktemp("trend") / "imr.duckdb"))


def test_letters_straddle_the_pooled_groups(repeated):
    rows = raw(repeated).filter(pl.col("decision_date").is_not_null())
    top = (
        rows.group_by("service_category")
        .len()
        .sort(["len", "service_category"], descending=[True, False])["service_category"]
        .head(2)
    )
    pooled = rows.filter(~pl.col("service_category").is_in(top.to_list()))
    per_letter = pooled.group_by("letter_id").agg(pl.col("service_category").n_unique())
    assert (per_letter["service_category"] > 1).sum() > 10  # the per-letter sums are needed
    with plain(repeated) as con:
        sql = "select count(*) from letters where len(reviewer_states) > 1"
        assert con.sql(sql).fetchall()[0][0] > 10


@pytest.mark.parametrize("case", list(POOLED_CASES))
@pytest.mark.parametrize(("dimension", "k"), POOLED_GROUPINGS)
def test_pooled_parts_equal_the_general_path(repeated, monkeypatch, case, dimension, k):
    f = POOLED_CASES[case]
    con = q.open_db(repeated)
    try:
        fast = {g: group_trend(con, f, dimension, g, k=k) for g in ("month", "year")}
        monkeypatch.setattr(group_trend_module, "pooled_parts", lambda *a, **kw: None)
        slow = {g: group_trend(con, f, dimension, g, k=k) for g in ("month", "year")}
    finally:
        con.close()
    for grain, frame in fast.items():
        assert frame.height > 0
        assert_frame_equal(frame, slow[grain], check_exact=False, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("f", "dimension"),
    [(Filters(), "service_category"), (Filters(), "reviewer_specialty"),
     (Filters(service_category=("Surgery",)), "partly_authorized"),
     (Filters(patient_sex=("female",)), "guideline_agreement"), (Filters(), "reviewer_state"),
     (Filters(service_category=("Surgery",)), "reviewer_state")],
)  # fmt: skip
def test_the_pooled_parts_path_is_taken(analyses_con, monkeypatch, f, dimension):
    """Fails when group_trend scans for the group sizes, or takes clustered_rate_by's general
    path, where whole parts would do."""

    def general(*_a, **_kw):
        raise AssertionError("group_trend took the general path")

    monkeypatch.setattr(group_trend_module, "clustered_rate_by", general)
    monkeypatch.setattr(group_trend_module, "top_groups", general)  # top k from the same pass
    assert group_trend(analyses_con, f, dimension, "quarter", k=2).height > 0
