"""Interval and test statistics for comparing two overturn rates (stdlib math only).

The Wilson interval is also a SQL macro (sql/macros.sql) for grouped rates; it is repeated
here because the Newcombe interval for a difference is built from the two Wilson intervals.
"""

from __future__ import annotations

import math

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95 % Wilson score interval for k of n (Wilson 1927)."""
    if n <= 0:
        return math.nan, math.nan
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def newcombe_diff(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> tuple[float, float]:
    """Hybrid score interval for p1 - p2 (Newcombe 1998, method 10)."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, z)
    l2, u2 = wilson(k2, n2, z)
    d = p1 - p2
    return (
        d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def fisher_exact_p(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher exact p for [[a, b], [c, d]]: tables no likelier than the observed."""
    row1, col1, n = a + b, a + c, a + b + c + d
    lo, hi = max(0, col1 - (n - row1)), min(row1, col1)
    const = _lcomb(n, col1)

    def logp(x: int) -> float:
        return _lcomb(row1, x) + _lcomb(n - row1, col1 - x) - const

    observed = logp(a)
    total = 0.0
    for x in range(lo, hi + 1):
        lp = logp(x)
        if lp <= observed + 1e-7:  # relative tolerance for ties, as scipy does
            total += math.exp(lp)
    return min(1.0, total)


def chi2_p(a: int, b: int, c: int, d: int) -> float:
    """Pearson chi-square (1 df, no continuity correction) = two-proportion z test."""
    n = a + b + c + d
    denom = (a + b) * (c + d) * (a + c) * (b + d)
    if denom == 0:
        return 1.0
    chi2 = n * (a * d - b * c) ** 2 / denom
    return math.erfc(math.sqrt(chi2 / 2))


def two_by_two_p(a: int, b: int, c: int, d: int) -> tuple[float, str]:
    """Fisher's exact test when any expected cell is under 5, else chi-square."""
    n = a + b + c + d
    rows, cols = (a + b, c + d), (a + c, b + d)
    smallest = min(r * c_ / n for r in rows for c_ in cols) if n else 0.0
    if smallest < 5:
        return fisher_exact_p(a, b, c, d), "fisher"
    return chi2_p(a, b, c, d), "chi2"


def _lcomb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
