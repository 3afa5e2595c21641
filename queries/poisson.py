"""Exact Poisson intervals, tests and funnel limits in stdlib math (scipy is a test tool).

The Poisson CDF is a regularised incomplete gamma function: P(Y <= r; mu) = Q(r + 1, mu), and
the exact (Garwood 1936) interval for a count O is [G^-1(O, a/2), G^-1(O + 1, 1 - a/2)]:
the chi-square relation chi2_{2O}(a/2) / 2 written with the gamma function. The gamma
function is evaluated by its series or continued fraction (Numerical Recipes 6.2), inverted
by Newton steps kept inside a bisection bracket.
"""

from __future__ import annotations

import math
from statistics import NormalDist

_EPS = 1e-15
_MAX_ITER = 1_000_000


def gamma_p(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x) for a > 0, x >= 0."""
    if x <= 0:
        return 0.0
    if x < a + 1:
        return _series(a, x)
    return 1.0 - _continued_fraction(a, x)


def gamma_q(a: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in the upper tail."""
    if x <= 0:
        return 1.0
    if x < a + 1:
        return 1.0 - _series(a, x)
    return _continued_fraction(a, x)


def _log_prefactor(a: float, x: float) -> float:
    return -x + a * math.log(x) - math.lgamma(a)


def _series(a: float, x: float) -> float:
    term = total = 1.0 / a
    n = a
    for _ in range(_MAX_ITER):
        n += 1
        term *= x / n
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return min(1.0, total * math.exp(_log_prefactor(a, x)))


def _continued_fraction(a: float, x: float) -> float:
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, _MAX_ITER):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return min(1.0, math.exp(_log_prefactor(a, x)) * h)


def gamma_p_inv(a: float, p: float) -> float:
    """x with P(a, x) = p (a > 0, 0 < p < 1): Newton from Wilson-Hilferty, bracketed."""
    z = NormalDist().inv_cdf(p)
    guess = a * (1 - 1 / (9 * a) + z / (3 * math.sqrt(a))) ** 3
    lo, hi = 0.0, max(1.0, a) * 2
    while gamma_p(a, hi) < p:
        lo, hi = hi, hi * 2
    x = guess if lo < guess < hi else (lo + hi) / 2
    for _ in range(200):
        f = gamma_p(a, x) - p
        if f < 0:
            lo = x
        else:
            hi = x
        density = math.exp((a - 1) * math.log(x) - x - math.lgamma(a)) if x > 0 else 0.0
        step = x - f / density if density > 0 else (lo + hi) / 2
        x_new = step if lo < step < hi else (lo + hi) / 2
        if abs(x_new - x) <= 1e-13 * max(1.0, x):
            return x_new
        x = x_new
    return x


def poisson_cdf(r: int, mu: float) -> float:
    """P(Y <= r) for Y ~ Poisson(mu)."""
    if r < 0:
        return 0.0
    if mu <= 0:
        return 1.0
    return gamma_q(r + 1, mu)


def poisson_pmf(r: int, mu: float) -> float:
    """P(Y = r) for Y ~ Poisson(mu), mu > 0."""
    if r < 0:
        return 0.0
    return math.exp(r * math.log(mu) - mu - math.lgamma(r + 1))


def poisson_sf(r: int, mu: float) -> float:
    """P(Y >= r) for Y ~ Poisson(mu)."""
    if r <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    return gamma_p(r, mu)


def exact_ci(observed: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson mean given one observed count."""
    alpha = 1 - level
    low = 0.0 if observed == 0 else gamma_p_inv(observed, alpha / 2)
    return low, gamma_p_inv(observed + 1, 1 - alpha / 2)


def exact_p(observed: int, expected: float) -> float:
    """Two-sided exact Poisson test of O against mean E: twice the smaller tail, capped at 1."""
    if expected <= 0:
        return 1.0 if observed == 0 else 0.0
    tail = min(poisson_cdf(observed, expected), poisson_sf(observed, expected))
    return min(1.0, 2 * tail)


def funnel_limit(expected: float, p: float) -> float:
    """The p-quantile of O/E under Poisson(E), interpolated between integers.

    Spiegelhalter (2005, appendix A.1.1): r = the smallest count with F(r) >= p, then
    alpha = (F(r) - p) / (F(r) - F(r - 1)) and the limit on O is r - alpha, so the funnel is
    smooth in E instead of a staircase.
    """
    if expected <= 0:
        return math.nan
    z = NormalDist().inv_cdf(p)
    r = max(0, int(expected + z * math.sqrt(expected)) - 2)
    # one CDF (a series of ~sqrt(E) terms), then steps of the probability mass:
    # F(r - 1) = F(r) - f(r), and F(r) - F(r - 1) is f(r) itself
    f_r = poisson_cdf(r, expected)
    while r > 0 and f_r - poisson_pmf(r, expected) >= p:
        f_r -= poisson_pmf(r, expected)
        r -= 1
    while f_r < p:
        r += 1
        f_r += poisson_pmf(r, expected)
    mass = poisson_pmf(r, expected)
    alpha = (f_r - p) / mass if mass > 0 else 0.0
    return max(0.0, r - alpha) / expected
