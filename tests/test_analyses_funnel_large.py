"""Funnel limits at the expected counts of 3 M decisions (tens of thousands to a million):
queries/poisson.funnel_limit steps from one CDF by the probability mass, and must still be
scipy's Poisson quantile, interpolated (Spiegelhalter 2005)."""

from __future__ import annotations

import pytest
from scipy.stats import poisson

from queries.poisson import funnel_limit, poisson_pmf


def spiegelhalter(e: float, p: float) -> float:
    r = int(poisson.ppf(p, e))
    f_r, f_below = poisson.cdf(r, e), poisson.cdf(r - 1, e)
    return (r - (f_r - p) / (f_r - f_below)) / e


@pytest.mark.parametrize("e", [0.02, 9.5, 12_345.6, 250_000.0, 1_200_000.0])
@pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
def test_funnel_limits_at_large_expected_counts_match_scipy(e, p):
    assert funnel_limit(e, p) == pytest.approx(max(0.0, spiegelhalter(e, p)), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(("r", "mu"), [(0, 0.3), (7, 7.5), (250_123, 250_000.0)])
def test_poisson_pmf_matches_scipy(r, mu):
    assert poisson_pmf(r, mu) == pytest.approx(poisson.pmf(r, mu), rel=1e-9)
