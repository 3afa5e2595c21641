"""Compare the overturn rates of two filtered sets of decisions, with honest uncertainty."""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb

from common.numbers import pct
from queries.binding import bound
from queries.filters import Filters
from queries.runner import run
from queries.stats import newcombe_diff, two_by_two_p, wilson


@dataclass(frozen=True, kw_only=True)
class Comparison:
    a: Filters
    b: Filters
    a_n: int
    a_overturned: int
    a_rate: float | None
    b_n: int
    b_overturned: int
    b_rate: float | None
    diff: float | None  # a_rate - b_rate
    diff_ci_low: float | None  # Newcombe hybrid score 95 % interval
    diff_ci_high: float | None
    p_value: float | None  # two-sided
    test: str  # 'fisher' (some expected cell < 5), 'chi2', or 'none' when a side is empty

    @classmethod
    def of_counts(
        cls, a: Filters, b: Filters, *, a_overturned: int, a_n: int, b_overturned: int, b_n: int
    ) -> Comparison:
        """A's k of n overturned against B's; no difference and no test when a side is empty."""
        a_rate = a_overturned / a_n if a_n else None
        b_rate = b_overturned / b_n if b_n else None
        diff = low = high = p = None
        test = "none"
        if a_rate is not None and b_rate is not None:
            diff = a_rate - b_rate
            low, high = newcombe_diff(a_overturned, a_n, b_overturned, b_n)
            p, test = two_by_two_p(
                a_overturned, a_n - a_overturned, b_overturned, b_n - b_overturned
            )
        return cls(
            a=a, b=b,
            a_n=a_n, a_overturned=a_overturned, a_rate=a_rate,
            b_n=b_n, b_overturned=b_overturned, b_rate=b_rate,
            diff=diff, diff_ci_low=low, diff_ci_high=high, p_value=p, test=test,
        )  # fmt: skip

    def sentence(self) -> str:
        """Memo text an analyst can paste: both rates with n and CI, the difference, the test.

        The two sets may overlap (e.g. a period and a specialty); the test assumes they do not.
        """
        a, b = self.a.describe(), self.b.describe()
        if self.diff is None:
            return f"No comparison possible: {a} has {self.a_n} decisions, {b} has {self.b_n}."
        test = "Fisher's exact test" if self.test == "fisher" else "chi-square test"
        significant = self.p_value is not None and self.p_value < 0.05
        direction = "higher" if self.diff > 0 else "lower"
        verdict = (
            "a difference unlikely to be chance alone"
            if significant
            else "a difference that could well be chance"
        )
        return (
            f"Group A ({a}): {self.a_overturned:,} of {self.a_n:,} decisions overturned, "
            f"{_rate_ci(self.a_overturned, self.a_n)}. "
            f"Group B ({b}): {self.b_overturned:,} of {self.b_n:,}, "
            f"{_rate_ci(self.b_overturned, self.b_n)}. "
            f"A's overturn rate is {abs(self.diff) * 100:.1f} percentage points {direction} "
            f"than B's (95 % CI {self.diff_ci_low * 100:+.1f} to {self.diff_ci_high * 100:+.1f} "
            f"points; two-sided p {_p(self.p_value)}, {test}): {verdict}."
        )


def compare(con: duckdb.DuckDBPyConnection, a: Filters, b: Filters) -> Comparison:
    ka, na = _counts(con, a)
    kb, nb = _counts(con, b)
    return Comparison.of_counts(a, b, a_overturned=ka, a_n=na, b_overturned=kb, b_n=nb)


def _counts(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[int, int]:
    with bound(con, f) as (where, params):
        row = run(con, "outcome_counts", params, where=where).row(0, named=True)
    return int(row["overturned"] or 0), int(row["decisions"])


def _p(p: float | None) -> str:
    if p is None or math.isnan(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def _rate_ci(k: int, n: int) -> str:
    low, high = wilson(k, n)
    return f"{pct(k / n)} (95 % CI {pct(low)} to {pct(high)})"
