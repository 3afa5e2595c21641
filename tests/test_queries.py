"""Every rate query against an independent computation: polars on raw rows, scipy intervals."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from scipy.stats import binomtest

import queries as q
from queries.filters import FilterError
from tests.querydb import build_query_db, expected_items, keys


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_query_db(tmp_path_factory.mktemp("q") / "imr.duckdb")
    q.build_search_index(path)
    return path


@pytest.fixture(scope="module")
def con(db, raw):  # raw first: one process may not mix connection configs on one file
    con = q.open_db(db)
    yield con
    con.close()


@pytest.fixture(scope="module")
def raw(db):
    return expected_items(db)


def wilson_scipy(k: int, n: int) -> tuple[float, float]:
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return ci.low, ci.high


def test_summary_matches_raw_rows_and_scipy_wilson(con, raw):
    s = q.summary(con, q.Filters()).row(0, named=True)
    n, k = raw.height, int(raw["overturned"].sum())
    assert (s["decisions"], s["overturned"], s["upheld"]) == (n, k, n - k)
    assert s["letters"] == raw["letter_id"].n_unique() == 300
    assert s["rate"] == pytest.approx(k / n)
    assert (s["ci_low"], s["ci_high"]) == pytest.approx(wilson_scipy(k, n), abs=1e-9)
    assert s["first_date"] == raw["decision_date"].min()
    assert s["last_date"] == raw["decision_date"].max()
    undated = raw.filter(pl.col("decision_date").is_null())["letter_id"].n_unique()
    assert s["undated_letters"] == undated > 0
    assert s["demo_letters"] == raw.filter(pl.col("is_demo"))["letter_id"].n_unique()


def test_summary_of_nothing_has_no_rate(con):
    s = q.summary(con, q.Filters(date_from=date(2030, 1, 1))).row(0, named=True)
    assert (s["decisions"], s["rate"], s["ci_low"]) == (0, None, None)


@pytest.mark.parametrize("dimension", [d for d in q.DIMENSIONS if d != "reviewer_state"])
def test_rate_by_every_dimension_matches_polars_group_by(con, raw, dimension):
    got = q.overturn_rate_by(con, dimension, q.Filters(), min_n=40)
    want = raw.group_by(dimension).agg(
        pl.len().alias("decisions"),
        pl.col("overturned").sum().alias("overturned"),
        pl.col("letter_id").n_unique().alias("letters"),
    )
    assert got.height == want.height
    joined = got.join(want, on=dimension, how="full", suffix="_want", nulls_equal=True)
    for r in joined.iter_rows(named=True):
        assert r["decisions"] == r["decisions_want"], r
        assert r["overturned"] == r["overturned_want"]
        assert r["letters"] == r["letters_want"]
        assert (r["ci_low"], r["ci_high"]) == pytest.approx(
            wilson_scipy(r["overturned"], r["decisions"]), abs=1e-9
        )
        assert r["small"] == (r["decisions"] < 40)
        assert (r["rank"] is None) == r["small"]
    ranked = got.filter(~pl.col("small")).sort("rank")
    assert ranked["rate"].to_list() == sorted(ranked["rate"].to_list(), reverse=True)


@pytest.mark.parametrize("dimension", ["service_category", "reviewer_state", "partly_authorized"])
def test_without_letter_counts_only_the_letters_column_changes(con, dimension):
    full = q.overturn_rate_by(con, dimension, q.Filters(), min_n=40)
    lean = q.overturn_rate_by(con, dimension, q.Filters(), min_n=40, letters=False)
    assert lean["letters"].null_count() == lean.height
    assert lean.drop("letters").equals(full.drop("letters"))
    trend_full = q.trend(con, "quarter", q.Filters(), by="service_category")
    trend_lean = q.trend(con, "quarter", q.Filters(), by="service_category", letters=False)
    assert trend_lean.drop("letters").equals(trend_full.drop("letters"))
    assert trend_lean["letters"].null_count() == trend_lean.height


def test_rate_by_reviewer_state_counts_each_listed_state(con, raw):
    got = q.overturn_rate_by(con, "reviewer_state", q.Filters())
    want = (
        raw.explode("reviewer_states")
        .group_by("reviewer_states")
        .agg(pl.len().alias("n"), pl.col("overturned").sum().alias("k"))
    )
    got_map = {r["reviewer_state"]: (r["decisions"], r["overturned"]) for r in got.to_dicts()}
    assert got_map == {r["reviewer_states"]: (r["n"], r["k"]) for r in want.to_dicts()}
    assert "unknown" in got_map  # letters listing no state


def test_two_way_breakdown_and_rank_within_by(con, raw):
    got = q.overturn_rate_by(
        con, "service_category", q.Filters(), by="reviewer_specialty", min_n=20
    )
    want = raw.group_by("reviewer_specialty", "service_category").agg(
        pl.len().alias("n"), pl.col("overturned").sum().alias("k")
    )
    assert {(r["reviewer_specialty"], r["service_category"], r["decisions"], r["overturned"])
            for r in got.to_dicts()} == {tuple(r.values()) for r in want.to_dicts()}  # fmt: skip
    for _, part in got.filter(~pl.col("small")).group_by("reviewer_specialty"):
        assert part["rank"].min() == 1
        top = part.filter(pl.col("rank") == 1)["rate"].max()
        assert top == part["rate"].max()


@pytest.mark.parametrize("grain", ["month", "quarter", "year"])
def test_trend_matches_polars_truncation_and_flags_partial_ends(con, raw, grain):
    got = q.trend(con, grain, q.Filters())
    every = {"month": "1mo", "quarter": "1q", "year": "1y"}[grain]
    dated = raw.filter(pl.col("decision_date").is_not_null())
    want = (
        dated.with_columns(pl.col("decision_date").dt.truncate(every).alias("period"))
        .group_by("period")
        .agg(pl.len().alias("n"), pl.col("overturned").sum().alias("k"))
        .sort("period")
    )
    assert got["period"].to_list() == want["period"].to_list()
    assert got["decisions"].to_list() == want["n"].to_list()
    assert got["overturned"].to_list() == want["k"].to_list()
    # data run 2015-03-12 .. 2017-02-01: first and last periods are partial, the rest whole
    assert got["partial"].to_list() == [True] + [False] * (got.height - 2) + [True]


def test_trend_partial_follows_the_date_filter(con):
    f = q.Filters(date_from=date(2016, 1, 15), date_to=date(2016, 12, 31))
    got = q.trend(con, "month", f)
    flags = dict(zip(got["period"].to_list(), got["partial"].to_list(), strict=True))
    assert flags[date(2016, 1, 1)] is True
    assert flags[date(2016, 2, 1)] is False
    assert flags[date(2016, 12, 1)] is False
    by = q.trend(con, "year", q.Filters(), by="priority")
    assert set(by["priority"]) == {"Standard", "Expedited", "unknown"}


def test_decisions_pages_sorted_like_polars(con, raw):
    f = q.Filters(service_category=("Surgery",))
    want = (
        raw.filter(pl.col("service_category") == "Surgery")
        .sort(["patient_age", "letter_id", "item_no"], nulls_last=True)
        .select("letter_id", "item_no")
    )
    pages = [
        q.decisions(con, f, sort="patient_age", descending=False, limit=25, offset=o)
        for o in range(0, want.height + 25, 25)
    ]
    got = pl.concat(pages).select("letter_id", "item_no")
    assert got.rows() == want.rows()
    assert q.decision_count(con, f) == want.height


def test_decisions_rejects_unknown_sort_and_bad_paging(con):
    with pytest.raises(FilterError, match="sort"):
        q.decisions(con, q.Filters(), sort="rate; drop table letters")
    with pytest.raises(FilterError, match="limit"):
        q.decisions(con, q.Filters(), limit=-1)
    with pytest.raises(FilterError, match="offset"):
        q.decisions(con, q.Filters(), offset="10")


def test_letter_by_id_or_case_number_with_items_in_order(con, raw):
    head, items = q.letter(con, "CM16-0000003")
    assert head.height == 1 and head["raw_text"][0] == "raw text of CM16-0000003"
    assert items["item_no"].to_list() == sorted(
        raw.filter(pl.col("letter_id") == "CM16-0000003")["item_no"].to_list()
    )
    head, items = q.letter(con, "no such' or '1'='1")
    assert head.height == 0 and items.height == 0


def test_filter_options_are_the_distinct_values(con, raw):
    opts = q.filter_options(con)
    assert opts["service_category"] == sorted(raw["service_category"].unique().to_list())
    assert opts["age_band"] == sorted(raw["age_band"].unique().to_list())
    assert set(opts["reviewer_state"]) == set(raw["reviewer_states"].explode().unique())


def test_quarantined_lists_reasons(con):
    assert q.quarantined(con)["reason"].to_list() == ["no_text_layer"]


def test_unknown_dimension_grain_and_min_n_are_rejected(con):
    with pytest.raises(FilterError, match="dimension"):
        q.overturn_rate_by(con, "1; drop table letters", q.Filters())
    with pytest.raises(FilterError, match="differ"):
        q.overturn_rate_by(con, "priority", q.Filters(), by="priority")
    with pytest.raises(FilterError, match="grain"):
        q.trend(con, "week", q.Filters())
    with pytest.raises(FilterError, match="min_n"):
        q.overturn_rate_by(con, "priority", q.Filters(), min_n="30")


def test_cursor_of_connection_gets_macros_installed(con, raw):
    cur = con.cursor()
    assert q.summary(cur, q.Filters())["decisions"][0] == raw.height
    assert keys(q.decisions(cur, q.Filters(), limit=5)) <= keys(raw)
