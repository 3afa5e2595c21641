"""Indirect standardisation against polars (expected counts), scipy (exact Poisson interval and
test, funnel quantiles) and statsmodels (BH), across filters and groupings."""

from __future__ import annotations

import importlib

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from scipy.stats import chi2, poisson
from statsmodels.stats.multitest import multipletests

import queries as q
from queries.standardised import YEAR_TOLERANCE
from tests.analysesdb import FILTER_CASES, expand_states, isclose

standardised_module = importlib.import_module("queries.standardised")  # the name is a function too


@pytest.fixture(scope="module")
def rows(analyses_raw):
    return analyses_raw.with_columns(pl.col("decision_year").fill_null("undated"))


def expected_counts(want: pl.DataFrame, dimension: str) -> pl.DataFrame:
    rate = pl.col("overturned").cast(pl.Float64).mean()
    sub = want.group_by("service_subcategory").agg(rate.alias("r_sub"))
    sub_year = want.group_by("service_subcategory", "decision_year").agg(rate.alias("r_sy"))
    keyed = expand_states(want) if dimension == "reviewer_state" else want
    keyed = keyed.join(sub, on="service_subcategory").join(
        sub_year, on=["service_subcategory", "decision_year"]
    )
    return keyed.group_by(pl.col(dimension).cast(pl.String).alias("grp")).agg(
        pl.len().alias("n"), pl.col("overturned").sum().alias("o"),
        pl.col("r_sub").sum().alias("e_sub"), pl.col("r_sy").sum().alias("e_sy"),
    )  # fmt: skip


def spiegelhalter(e: float, p: float) -> float:
    r = int(poisson.ppf(p, e))
    f_r, f_below = poisson.cdf(r, e), poisson.cdf(r - 1, e)
    return max(0.0, r - (f_r - p) / (f_r - f_below)) / e


@pytest.mark.parametrize("case", ["none", "categories", "text_and_sex"])
@pytest.mark.parametrize(
    "dimension", ["reviewer_specialty", "reviewer_state", "licensed_in_california"]
)
def test_standardised_matches_independent_computation(analyses_con, rows, case, dimension):
    kwargs, expr = FILTER_CASES[case]
    want = rows.filter(expr)
    ref = {r["grp"]: r for r in expected_counts(want, dimension).iter_rows(named=True)}
    got = q.standardised(analyses_con, q.Filters(**kwargs), dimension, min_n=20)
    assert set(got["grp"]) == set(ref)
    overall = want["overturned"].mean()
    by_year = any(
        abs(r["o"] / r["e_sub"] - r["o"] / r["e_sy"]) > YEAR_TOLERANCE
        for r in ref.values() if r["n"] >= 20 and r["e_sub"] and r["e_sy"]
    )  # fmt: skip
    if by_year:
        assert got["year_changes_answer"].all()
    tested = []
    for g in got.iter_rows(named=True):
        r = ref[g["grp"]]
        e = r["e_sy"] if g["year_changes_answer"] else r["e_sub"]
        assert (g["decisions"], g["observed"]) == (r["n"], r["o"])
        assert isclose(g["expected"], e, 1e-9)
        assert g["strata"] == ("subcategory x year" if g["year_changes_answer"] else "subcategory")
        assert isclose(g["overall_rate"], overall)
        if not e:
            assert g["oe"] is None
            continue
        o = r["o"]
        low = 0.0 if o == 0 else chi2.ppf(0.025, 2 * o) / 2
        assert isclose(g["oe"], o / e)
        assert isclose(g["oe_low"], low / e, 1e-8)
        assert isclose(g["oe_high"], chi2.ppf(0.975, 2 * o + 2) / 2 / e, 1e-8)
        assert isclose(g["adjusted_rate"], o / e * overall)
        p = min(1.0, 2 * min(poisson.cdf(o, e), poisson.sf(o - 1, e)))
        assert isclose(g["p_value"], p, 1e-8)
        assert isclose(g["lo95"], spiegelhalter(e, 0.025), 1e-8)
        assert isclose(g["hi998"], spiegelhalter(e, 0.999), 1e-8)
        assert g["outside_95"] == (not spiegelhalter(e, 0.025) <= o / e <= spiegelhalter(e, 0.975))
        if not g["small"]:
            tested.append((g["grp"], p))
        else:
            assert g["q_value"] is None and not g["beyond_noise"]
    if tested:
        _, q_values, _, _ = multipletests([p for _, p in tested], method="fdr_bh")
        got_q = dict(zip(got["grp"], got["q_value"], strict=True))
        assert [got_q[g] for g, _ in tested] == pytest.approx(q_values.tolist(), rel=1e-8)


def test_year_strata_are_used_when_they_change_the_answer(analyses_con, rows, monkeypatch):
    standardised = importlib.import_module("queries.standardised")  # the name is a function too

    ref = {r["grp"]: r for r in expected_counts(rows, "reviewer_specialty").iter_rows(named=True)}
    monkeypatch.setattr(standardised, "YEAR_TOLERANCE", -1.0)  # any move changes the answer
    by_year = q.standardised(analyses_con, q.Filters(), "reviewer_specialty")
    assert by_year["year_changes_answer"].all()
    assert (by_year["strata"] == "subcategory x year").all()
    for g in by_year.iter_rows(named=True):
        assert isclose(g["expected"], ref[g["grp"]]["e_sy"])
    monkeypatch.setattr(standardised, "YEAR_TOLERANCE", float("inf"))  # only flags count
    plain = q.standardised(analyses_con, q.Filters(), "reviewer_specialty")
    assert set(plain["strata"]) == {"subcategory"} or plain["year_changes_answer"].all()
    if not plain["year_changes_answer"].any():
        for g in plain.iter_rows(named=True):
            assert isclose(g["expected"], ref[g["grp"]]["e_sub"])


def test_standardisation_removes_a_pure_mix_effect(analyses_con, rows):
    # Raw rates differ between categories by design (Surgery ~35 %); standardising by the
    # subcategory leaves every category's O/E exactly 1 (its decisions define the rate).
    got = q.standardised(analyses_con, q.Filters(), "service_subcategory")
    assert got["oe"].drop_nulls().to_list() == pytest.approx([1.0] * got["oe"].drop_nulls().len())
    assert got["rate"].max() - got["rate"].min() > 0.1


def test_funnel_curve_brackets_one_and_narrows(analyses_con):
    curve = q.funnel_curve(2.0, 400.0, points=20)
    assert curve.height == 20 and curve["expected"].is_sorted()
    assert (curve["lo998"] <= curve["lo95"]).all() and (curve["hi95"] <= curve["hi998"]).all()
    assert (curve["lo95"] < 1).all() and (curve["hi95"] > 1).all()
    assert curve["hi95"][-1] < curve["hi95"][0]
    for e, hi in zip(curve["expected"], curve["hi95"], strict=True):
        assert isclose(hi, spiegelhalter(e, 0.975), 1e-9)


def test_standardised_by_state_on_the_join_fallback(tmp_path, analyses_raw):
    """Without decision_facts the states come from unnesting each cell's state list."""
    from tests.analysesdb import build_analyses_db

    path = build_analyses_db(tmp_path / "imr.duckdb", derived=False)
    con = q.open_db(path)
    try:
        got = q.standardised(con, q.Filters(), "reviewer_state", min_n=20)
    finally:
        con.close()
    rows = analyses_raw.with_columns(pl.col("decision_year").fill_null("undated"))
    ref = {r["grp"]: r for r in expected_counts(rows, "reviewer_state").iter_rows(named=True)}
    assert set(got["grp"]) == set(ref)
    key = "e_sy" if got["year_changes_answer"][0] else "e_sub"
    for r in got.iter_rows(named=True):
        assert (r["decisions"], r["observed"]) == (ref[r["grp"]]["n"], ref[r["grp"]]["o"])
        assert isclose(r["expected"], ref[r["grp"]][key])


@pytest.mark.parametrize(
    "f",
    [q.Filters(), q.Filters(service_category=("Pharmaceuticals", "Surgery")),
     q.Filters(reviewer_state=("Texas",), patient_sex=("female",))],
)  # fmt: skip
def test_standardised_by_state_list_equals_the_unnest_with_repeated_states(
    tmp_path_factory, monkeypatch, f
):
    """By reviewer state on decision_facts, the expected counts are summed per state list
    (`state_set`, sql/standardised.sql) and then spread over its states
    (state_set_members, one row per place); the join fallback unnests each list. Lists that
    name a state twice count a decision twice for it, in both, and in polars' explode."""
    from tests.analysesdb import build_with_repeated_states, raw

    db = build_with_repeated_states(tmp_path_factory.mktemp("std_states") / "imr.duckdb")
    rows = raw(db).with_columns(pl.col("decision_year").fill_null("undated"))
    con = q.open_db(db)
    try:
        by_list = q.standardised(con, f, "reviewer_state", min_n=20)
        monkeypatch.setattr(standardised_module, "items_sql", lambda *a, **k: "join fallback")
        by_unnest = q.standardised(con, f, "reviewer_state", min_n=20)
    finally:
        con.close()
    assert_frame_equal(by_list, by_unnest, check_exact=False, rel_tol=1e-12)
    if f == q.Filters():
        ref = {r["grp"]: r for r in expected_counts(rows, "reviewer_state").iter_rows(named=True)}
        key = "e_sy" if by_list["year_changes_answer"][0] else "e_sub"
        for g in by_list.iter_rows(named=True):
            assert (g["decisions"], g["observed"]) == (ref[g["grp"]]["n"], ref[g["grp"]]["o"])
            assert isclose(g["expected"], ref[g["grp"]][key])


@pytest.mark.parametrize("text", [None, "zolpidem"])
def test_standardised_by_state_takes_the_state_list_path(analyses_con, monkeypatch, text):
    """Fails when, on decision_facts, the states are unnested per decision list instead of
    read per list number from state_set_members, or the strata are the (subcategory, year)
    strings instead of the stored stratum numbers (sql/standardised.sql)."""
    seen = []
    real = standardised_module.run

    def spy(con, name, params, **fragments):
        seen.append((name, fragments))
        return real(con, name, params, **fragments)

    monkeypatch.setattr(standardised_module, "run", spy)
    q.standardised(analyses_con, q.Filters(text=text), "reviewer_state")
    assert [name for name, _ in seen] == ["standardised"]
    assert "state_set_members" in seen[0][1]["groups_from"]
    assert seen[0][1]["stratum"] == "stratum"
