"""Letter-clustered rates against statsmodels' cluster-robust OLS on the raw rows, on the
derived table and on the join, across filters and groupings; plus a hand-checked case."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from scipy.stats import binomtest

import queries as q
from tests.analysesdb import (
    FILTER_CASES,
    build_analyses_db,
    clustered_reference,
    expand_states,
    isclose,
    period,
    raw,
)
from tests.querydb import SCHEMA, insert, make_rows


@pytest.fixture(scope="module", params=["derived", "join"])
def db(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("cl") / "imr.duckdb"
    build_analyses_db(path, derived=request.param == "derived")
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


def check(got: dict, want_rows: pl.DataFrame) -> None:
    ref = clustered_reference(want_rows)
    assert got["decisions"] == want_rows.height
    assert got["overturned"] == int(want_rows["overturned"].sum())
    assert got["letters"] == want_rows["letter_id"].n_unique()
    assert isclose(got["rate"], ref["rate"])
    assert isclose(got["deff"], ref["deff"], 1e-7), (got, ref)
    assert isclose(got["n_eff"], ref["n_eff"], 1e-7)
    if ref["deff"] is not None:
        assert isclose(got["se_cluster"] ** 2, ref["var"], 1e-7)
        assert isclose(got["ci_low_clustered"], ref["low"], 1e-7)
        assert isclose(got["ci_high_clustered"], ref["high"], 1e-7)
    plain = binomtest(got["overturned"], got["decisions"]).proportion_ci(method="wilson")
    assert isclose(got["ci_low"], plain.low) and isclose(got["ci_high"], plain.high)
    assert got["ci_low_clustered"] <= got["ci_low"] + 1e-12  # never narrower than Wilson
    assert got["ci_high_clustered"] >= got["ci_high"] - 1e-12


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_overall_design_effect_matches_statsmodels(con, rows, case):
    kwargs, expr = FILTER_CASES[case]
    want = rows.filter(expr)
    assert want.height > 0
    got = q.clustered_rate_by(con, q.Filters(**kwargs)).row(0, named=True)
    check(got, want)


def test_clustering_is_visible_in_the_test_data(con):
    got = q.clustered_rate_by(con, q.Filters()).row(0, named=True)
    assert got["deff"] > 1.3  # the lenient / strict letters make items of a letter alike


@pytest.mark.parametrize(
    "dimension", ["reviewer_specialty", "service_category", "reviewer_state",
                  "guideline_agreement", "licensed_in_california"],
)  # fmt: skip
@pytest.mark.parametrize("case", ["none", "categories", "text_and_sex"])
def test_rate_by_dimension_matches_statsmodels(con, rows, dimension, case):
    kwargs, expr = FILTER_CASES[case]
    want = rows.filter(expr)
    if dimension == "reviewer_state":
        want = expand_states(want)
    got = q.clustered_rate_by(con, q.Filters(**kwargs), dimension, min_n=25)
    assert got.height == want[dimension].n_unique()
    for r in got.iter_rows(named=True):
        check(r, want.filter(pl.col(dimension) == r[dimension]))
        assert r["small"] == (r["decisions"] < 25)


def test_rate_by_period_and_pooled_groups(con, rows):
    f = q.Filters(service_category=("Pharmaceuticals", "Rehabilitation", "Surgery"))
    got = q.clustered_rate_by(con, f, "service_subcategory", grain="quarter",
                              top=("Opioids", "PT/OT"), other="rest")  # fmt: skip
    want = rows.filter(
        pl.col("service_category").is_in(["Pharmaceuticals", "Rehabilitation", "Surgery"]),
        pl.col("decision_date").is_not_null(),
    ).with_columns(
        period("quarter"),
        pl.when(pl.col("service_subcategory").is_in(["Opioids", "PT/OT"]))
        .then(pl.col("service_subcategory"))
        .otherwise(pl.lit("rest")).alias("service_subcategory"),
    )  # fmt: skip
    assert set(got["service_subcategory"]) == {"Opioids", "PT/OT", "rest"}
    assert got.height == want.select("period", "service_subcategory").n_unique()
    for r in got.iter_rows(named=True):
        sub = r["service_subcategory"]
        check(r, want.filter(pl.col("period") == r["period"], pl.col("service_subcategory") == sub))
    assert got["partial"].to_list()[0] and not got["partial"].to_list()[len(got) // 2]


def test_hand_checked_two_letters(tmp_path):
    # Letter A: two items, both overturned; letter B: two items, neither. p = 1/2, N = 4, G = 2:
    # var = G/(G-1) * ((2 - 1)^2 + (0 - 1)^2) / N^2 = 2 * 2 / 16 = 0.25; binomial 0.25 / 4;
    # deff = 4, effective n = 1: the clustered interval is Wilson's for 0.5 of 1.
    letters, items = make_rows(2, seed=3)
    for item in items:
        item.update(overturned=item["letter_id"] == letters[0]["letter_id"])
    items = [i for i in items if i["item_no"] <= 2]
    for letter in letters:
        letter["item_count"] = 2
    assert [i["letter_id"] for i in items] == [letters[0]["letter_id"]] * 2 + [
        letters[1]["letter_id"]
    ] * 2  # seed 3 gives both letters at least two items
    path = tmp_path / "two.duckdb"
    with duckdb.connect(str(path)) as c:
        c.sql(SCHEMA.read_text("utf-8"))
        insert(c, letters, items)
    con = q.open_db(path)
    got = q.clustered_rate_by(con, q.Filters()).row(0, named=True)
    con.close()
    assert (got["decisions"], got["overturned"], got["letters"]) == (4, 2, 2)
    assert got["se_cluster"] ** 2 == pytest.approx(0.25)
    assert got["deff"] == pytest.approx(4.0)
    assert got["n_eff"] == pytest.approx(1.0)
    z = 1.959963984540054
    half = z * (0.25 + z * z / 4) ** 0.5 / (1 + z * z)
    assert got["ci_low_clustered"] == pytest.approx((0.5 + z * z / 2) / (1 + z * z) - half)
