"""compare(): Newcombe interval and the p-value against scipy and a published example."""

from __future__ import annotations

import math

import pytest
from scipy.stats import binomtest, chi2_contingency, fisher_exact

import queries as q
from queries.stats import chi2_p, fisher_exact_p, newcombe_diff, two_by_two_p, wilson
from tests.querydb import build_query_db


@pytest.mark.parametrize(("k", "n"), [(0, 10), (1, 1), (3, 7), (56, 70), (9_000, 100_000)])
def test_wilson_matches_scipy(k, n):
    ci = binomtest(k, n).proportion_ci(method="wilson")
    assert wilson(k, n) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_newcombe_matches_published_example():
    # Newcombe (1998), Stat Med 17:873, Table II example (a): 56/70 vs 48/80, method 10
    low, high = newcombe_diff(56, 70, 48, 80)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_newcombe_is_built_from_scipy_wilson_bounds():
    k1, n1, k2, n2 = 13, 40, 30, 200
    l1, u1 = (lambda c: (c.low, c.high))(binomtest(k1, n1).proportion_ci(method="wilson"))
    l2, u2 = (lambda c: (c.low, c.high))(binomtest(k2, n2).proportion_ci(method="wilson"))
    p1, p2 = k1 / n1, k2 / n2
    want = (p1 - p2 - math.hypot(p1 - l1, u2 - p2), p1 - p2 + math.hypot(u1 - p1, p2 - l2))
    assert newcombe_diff(k1, n1, k2, n2) == pytest.approx(want, abs=1e-12)


@pytest.mark.parametrize(
    "table", [(1, 9, 11, 3), (0, 5, 5, 0), (3, 100, 1, 300), (2, 2, 2, 2), (0, 0, 4, 9)]
)
def test_fisher_matches_scipy(table):
    a, b, c, d = table
    assert fisher_exact_p(a, b, c, d) == pytest.approx(fisher_exact([[a, b], [c, d]])[1], 1e-9)


@pytest.mark.parametrize("table", [(30, 70, 45, 55), (120, 880, 90, 910)])
def test_chi2_matches_scipy_without_continuity_correction(table):
    a, b, c, d = table
    want = chi2_contingency([[a, b], [c, d]], correction=False).pvalue
    assert chi2_p(a, b, c, d) == pytest.approx(want, rel=1e-9)


def test_test_choice_follows_expected_cell_counts():
    assert two_by_two_p(1, 9, 11, 3)[1] == "chi2"  # smallest expected cell is exactly 5
    assert two_by_two_p(1, 9, 5, 3)[1] == "fisher"  # 8 * 6 / 18 < 5
    assert two_by_two_p(30, 70, 45, 55)[1] == "chi2"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = q.open_db(build_query_db(tmp_path_factory.mktemp("c") / "imr.duckdb"))
    yield con
    con.close()


def test_compare_on_database_agrees_with_summary_and_scipy(con):
    a = q.Filters(service_category="Surgery")
    b = q.Filters(service_category="Pharmaceuticals")
    c = q.compare(con, a, b)
    sa = q.summary(con, a).row(0, named=True)
    sb = q.summary(con, b).row(0, named=True)
    assert (c.a_n, c.a_overturned, c.b_n, c.b_overturned) == (
        sa["decisions"], sa["overturned"], sb["decisions"], sb["overturned"])  # fmt: skip
    assert c.diff == pytest.approx(sa["rate"] - sb["rate"])
    table = [[c.a_overturned, c.a_n - c.a_overturned], [c.b_overturned, c.b_n - c.b_overturned]]
    assert c.test == "chi2"
    assert c.p_value == pytest.approx(chi2_contingency(table, correction=False).pvalue)
    assert c.diff_ci_low < c.diff < c.diff_ci_high
    text = c.sentence()
    assert "Service category = Surgery" in text and f"{c.a_n}" in text and "95 % CI" in text


def test_compare_small_groups_use_fisher_and_empty_sides_say_so(con):
    tiny = q.Filters(service_category="Surgery", age_band="<30", patient_sex="female")
    c = q.compare(con, tiny, q.Filters(service_category="Pharmaceuticals"))
    assert c.test == "fisher"
    table = [[c.a_overturned, c.a_n - c.a_overturned], [c.b_overturned, c.b_n - c.b_overturned]]
    assert c.p_value == pytest.approx(fisher_exact(table)[1])
    empty = q.compare(con, q.Filters(layout="nothing"), q.Filters())
    assert empty.diff is None and empty.test == "none"
    assert empty.sentence().startswith("No comparison possible")


def test_interval_and_verdict_never_contradict():
    """0/10 vs 4/10: Newcombe's interval excludes 0 but Fisher's p is 0.087 (scipy)."""
    from queries.compare import Comparison

    c = Comparison.of_counts(
        q.Filters(), q.Filters(), a_overturned=0, a_n=10, b_overturned=4, b_n=10
    )
    assert c.test == "fisher"
    assert c.p_value == pytest.approx(fisher_exact([[0, 10], [4, 6]])[1])
    assert c.diff_ci_high < 0 and c.p_value > 0.05  # the two methods disagree here
    text = c.sentence()
    assert "could well be chance" not in text and "unlikely to be chance" not in text
    assert "not established" in text and "Fisher's exact test" in text
    assert "fewer than 30 decisions" in text  # both groups under the minimum n


def test_no_difference_is_not_lower_and_the_test_is_named():
    from queries.compare import Comparison

    same = Comparison.of_counts(
        q.Filters(), q.Filters(), a_overturned=20, a_n=100, b_overturned=40, b_n=200
    )
    assert same.diff == 0
    text = same.sentence()
    assert "the same as B's" in text and "lower" not in text and "higher" not in text
    assert "Pearson's chi-square test without continuity correction" in text
    assert "could well be chance" in text


def test_overlapping_groups_say_how_many_decisions_they_share(con):
    a = q.Filters(reviewer_specialty=("Family Practice", "Internal Medicine"))
    b = q.Filters(reviewer_specialty=("Family Practice",))
    (shared,) = con.sql(
        "select count(*) from decisions join letters using (letter_id) "
        "where reviewer_specialty = 'Family Practice'"
    ).fetchall()[0]
    c = q.compare(con, a, b)
    assert c.shared == shared > 0
    assert c.p_value is None and c.diff_ci_low is None and c.test == "none"
    text = c.sentence()
    assert f"share {shared:,} decisions" in text and "no test" in text
    assert "p " not in text.split("Group B")[1]
    disjoint = q.compare(con, b, q.Filters(reviewer_specialty=("Internal Medicine",)))
    assert disjoint.shared == 0 and disjoint.p_value is not None
