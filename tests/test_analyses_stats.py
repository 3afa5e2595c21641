"""The analyses' statistics against scipy / statsmodels and hand-checked small cases:
Benjamini-Hochberg, exact Poisson intervals and tests, funnel limits, clustered differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import chi2, poisson
from statsmodels.regression.linear_model import OLS  # not statsmodels.api: ~0.25 s less
from statsmodels.stats.multitest import multipletests

from queries.clustered import clustered_difference, deflated_p
from queries.fdr import bh_adjust, bh_flags
from queries.poisson import exact_ci, exact_p, funnel_limit, gamma_p, gamma_p_inv


def test_bh_hand_checked():
    # sorted 0.005, 0.01, 0.03, 0.04 -> p * 4 / rank = 0.02, 0.02, 0.04, 0.04 (step-up min)
    assert bh_adjust([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert bh_adjust([0.01, None, 0.5]) == [pytest.approx(0.02), None, pytest.approx(0.5)]
    assert bh_flags([0.01, 0.04, 0.03, 0.005], fdr=0.03) == [True, False, False, True]
    assert bh_adjust([]) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bh_matches_statsmodels(seed):
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(size=40), rng.uniform(0, 0.01, size=8)]).tolist()
    reject, q, _, _ = multipletests(p, alpha=0.05, method="fdr_bh")
    assert bh_adjust(p) == pytest.approx(q.tolist(), abs=1e-12)
    assert bh_flags(p) == reject.tolist()


@pytest.mark.parametrize("observed", [0, 1, 2, 7, 30, 412, 9_999, 250_000])
def test_exact_poisson_ci_matches_chi_square_relation(observed):
    low, high = exact_ci(observed)
    want_low = 0.0 if observed == 0 else chi2.ppf(0.025, 2 * observed) / 2
    assert low == pytest.approx(want_low, rel=1e-9, abs=1e-12)
    assert high == pytest.approx(chi2.ppf(0.975, 2 * observed + 2) / 2, rel=1e-9)


def test_exact_poisson_hand_checked():
    # O = 0: the upper limit solves exp(-mu) = 0.025
    assert exact_ci(0)[1] == pytest.approx(-math.log(0.025), rel=1e-12)
    # O = 1: the lower limit solves 1 - exp(-mu) = 0.025
    assert exact_ci(1)[0] == pytest.approx(-math.log(0.975), rel=1e-10)


@pytest.mark.parametrize(("a", "x"), [(0.5, 0.2), (3, 1.5), (3, 12), (40, 35), (5e4, 5.02e4)])
def test_gamma_p_and_its_inverse(a, x):
    from scipy.special import gammainc

    assert gamma_p(a, x) == pytest.approx(gammainc(a, x), rel=1e-9)
    assert gamma_p_inv(a, gamma_p(a, x)) == pytest.approx(x, rel=1e-9)


@pytest.mark.parametrize(("o", "e"), [(0, 0.4), (0, 6.0), (3, 1.2), (12, 12.0), (40, 25.5),
                                      (900, 1_010.3)])  # fmt: skip
def test_exact_poisson_p_matches_scipy(o, e):
    tail = min(poisson.cdf(o, e), poisson.sf(o - 1, e))
    assert exact_p(o, e) == pytest.approx(min(1.0, 2 * tail), rel=1e-9)


def spiegelhalter(e: float, p: float) -> float:
    r = int(poisson.ppf(p, e))
    f_r, f_below = poisson.cdf(r, e), poisson.cdf(r - 1, e)
    return (r - (f_r - p) / (f_r - f_below)) / e


@pytest.mark.parametrize("e", [0.7, 3.0, 14.2, 80.0, 2_500.0])
@pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
def test_funnel_limits_match_scipy_quantiles(e, p):
    assert funnel_limit(e, p) == pytest.approx(max(0.0, spiegelhalter(e, p)), rel=1e-9, abs=1e-12)


def test_funnel_limit_hand_checked():
    # Poisson(1): F(2) = 5/(2e), F(3) = 8/(3e); the 97.5 % point lies between 2 and 3
    f2, f3 = 2.5 / math.e, (8 / 3) / math.e
    assert funnel_limit(1.0, 0.975) == pytest.approx(3 - (f3 - 0.975) / (f3 - f2), rel=1e-12)
    assert funnel_limit(50.0, 0.025) < 1 < funnel_limit(50.0, 0.975)
    assert funnel_limit(5_000.0, 0.975) - 1 < funnel_limit(50.0, 0.975) - 1  # the funnel narrows


def test_clustered_difference_matches_statsmodels_on_letter_disjoint_sides():
    rng = np.random.default_rng(5)
    rows = []  # (side, letter, y): side b's letters are not side a's (as two periods)
    for letter in range(160):
        side = letter % 2
        mood = rng.uniform(0.02, 0.6) if side else rng.uniform(0.02, 0.3)
        rows += [(side, letter, float(rng.random() < mood)) for _ in range(rng.integers(1, 5))]
    side, letter, y = (np.array(c) for c in zip(*rows, strict=True))

    def summary(mask: np.ndarray) -> dict[str, float]:
        fit = OLS(y[mask], np.ones((mask.sum(), 1))).fit(
            cov_type="cluster", cov_kwds={"groups": letter[mask]}
        )
        n, p = int(mask.sum()), float(y[mask].mean())
        se = float(fit.bse[0])
        return {"decisions": n, "overturned": int(y[mask].sum()), "rate": p,
                "se_cluster": se, "deff": se**2 / (p * (1 - p) / n)}  # fmt: skip

    a, b = summary(side == 1), summary(side == 0)
    d = clustered_difference(a, b)
    x = np.column_stack([np.ones(len(y)), side])
    raw_cov = {"groups": letter, "use_correction": False}  # no G/(G-1) nor (N-1)/(N-K)
    both = OLS(y, x).fit(cov_type="cluster", cov_kwds=raw_cov)
    g_a, g_b = len(set(letter[side == 1])), len(set(letter[side == 0]))
    var_a, var_b = a["se_cluster"] ** 2, b["se_cluster"] ** 2
    var_uncorrected = var_a * (g_a - 1) / g_a + var_b * (g_b - 1) / g_b
    assert d.diff == pytest.approx(both.params[1], abs=1e-12)
    assert var_uncorrected == pytest.approx(both.bse[1] ** 2, rel=1e-9)
    assert d.se == pytest.approx(math.hypot(a["se_cluster"], b["se_cluster"]))
    assert d.ci_low < d.diff < d.ci_high
    from queries.stats import newcombe_diff

    plain = newcombe_diff(a["overturned"], a["decisions"], b["overturned"], b["decisions"])
    assert d.ci_high - d.ci_low > plain[1] - plain[0]  # clustered: wider than plain Newcombe


def test_deflated_p_is_chi_square_on_effective_counts():
    from scipy.stats import chi2_contingency

    p, test = deflated_p(40 / 1.3, 200 / 1.3, 20 / 1.3, 210 / 1.3)
    table = [[40 / 1.3, 160 / 1.3], [20 / 1.3, 190 / 1.3]]
    assert test == "chi2"
    assert p == pytest.approx(chi2_contingency(table, correction=False).pvalue, rel=1e-9)
    assert deflated_p(1.0, 6.0, 4.0, 7.0)[1] == "fisher"
