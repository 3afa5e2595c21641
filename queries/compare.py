"""Compare the overturn rates of two filtered sets of decisions, with honest uncertainty.

The two sets may share decisions (a period and a specialty, or two specialty lists with one
in common). Shared decisions make the groups dependent, so no test of independent groups is
run then: the sentence says how many are shared and describes the two rates only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb

from common.numbers import pct
from queries.binding import bound
from queries.filters import Filters
from queries.runner import run
from queries.stats import newcombe_diff, two_by_two_p, wilson
from queries.vocab import MIN_N

TEST_NAMES = {
    "chi2": "Pearson's chi-square test without continuity correction",
    "fisher": "Fisher's exact test",
}


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
    diff_ci_low: float | None  # Newcombe hybrid score 95 % interval (independent groups only)
    diff_ci_high: float | None
    p_value: float | None  # two-sided (independent groups only)
    test: str  # 'fisher' (some expected cell < 5), 'chi2', 'none' (a side empty, or overlap)
    shared: int = 0  # decisions in both groups

    @classmethod
    def of_counts(
        cls,
        a: Filters,
        b: Filters,
        *,
        a_overturned: int,
        a_n: int,
        b_overturned: int,
        b_n: int,
        shared: int = 0,
    ) -> Comparison:
        """A's k of n overturned against B's; no test when a side is empty or they overlap."""
        a_rate = a_overturned / a_n if a_n else None
        b_rate = b_overturned / b_n if b_n else None
        diff = low = high = p = None
        test = "none"
        if a_rate is not None and b_rate is not None:
            diff = a_rate - b_rate
            if not shared:
                low, high = newcombe_diff(a_overturned, a_n, b_overturned, b_n)
                p, test = two_by_two_p(
                    a_overturned, a_n - a_overturned, b_overturned, b_n - b_overturned
                )
        return cls(
            a=a, b=b,
            a_n=a_n, a_overturned=a_overturned, a_rate=a_rate,
            b_n=b_n, b_overturned=b_overturned, b_rate=b_rate,
            diff=diff, diff_ci_low=low, diff_ci_high=high, p_value=p, test=test, shared=shared,
        )  # fmt: skip

    @property
    def small(self) -> list[str]:
        """The groups with fewer decisions than the minimum n Breakdown ranks."""
        return [t for t, n in (("A", self.a_n), ("B", self.b_n)) if 0 < n < MIN_N]

    def verdict(self) -> str:
        """What the interval and the test say together; never one contradicting the other.

        The interval (Newcombe) and the test (chi-square or Fisher) are different methods and
        can disagree near the 5 % line (0/10 vs 4/10: the interval excludes 0, Fisher's
        p = 0.087); then the verdict says so instead of picking the convenient one.
        """
        if self.p_value is None or self.diff_ci_low is None or self.diff_ci_high is None:
            return "no test"
        interval_excludes_0 = self.diff_ci_low > 0 or self.diff_ci_high < 0
        test_rejects = self.p_value < 0.05
        if interval_excludes_0 and test_rejects:
            return "a difference unlikely to be chance alone"
        if not interval_excludes_0 and not test_rejects:
            return "a difference that could well be chance"
        return (
            "borderline: the interval and the test disagree at the 5 % level, so the "
            "difference is not established"
        )

    def sentence(self) -> str:
        """Memo text an analyst can paste: both rates with n and CI, the difference, the test."""
        a, b = self.a.describe(), self.b.describe()
        if self.diff is None:
            return f"No comparison possible: {a} has {self.a_n} decisions, {b} has {self.b_n}."
        rates = (
            f"Group A ({a}): {self.a_overturned:,} of {self.a_n:,} decisions overturned, "
            f"{_rate_ci(self.a_overturned, self.a_n)}. "
            f"Group B ({b}): {self.b_overturned:,} of {self.b_n:,}, "
            f"{_rate_ci(self.b_overturned, self.b_n)}. "
        )
        points = f"{abs(self.diff) * 100:.1f} percentage points"
        if self.diff == 0:
            difference = "A's overturn rate is the same as B's"
        else:
            difference = f"A's overturn rate is {points} {'higher' if self.diff > 0 else 'lower'}"
            difference += " than B's"
        small = ""
        if self.small:
            which = " and ".join(self.small)
            small = (
                f" Group {which} {'has' if len(self.small) == 1 else 'have'} fewer than {MIN_N} "
                "decisions (the minimum n Breakdown ranks): read the rates as descriptions."
            )
        if self.shared:
            return (
                rates + f"The groups share {self.shared:,} decisions, so they are not "
                f"independent and no test of a difference was made: {difference}, "
                "descriptively." + small
            )
        return (
            rates + f"{difference} (95 % CI {self.diff_ci_low * 100:+.1f} to "
            f"{self.diff_ci_high * 100:+.1f} points, Newcombe; two-sided p {_p(self.p_value)}, "
            f"{TEST_NAMES[self.test]}): {self.verdict()}." + small
        )


def compare(con: duckdb.DuckDBPyConnection, a: Filters, b: Filters) -> Comparison:
    ka, na = _counts(con, a)
    kb, nb = _counts(con, b)
    if b.is_empty or a == b:  # B holds every decision A holds: no third query needed
        shared = na
    elif a.is_empty:
        shared = nb
    else:
        shared = shared_decisions(con, a, b)
    return Comparison.of_counts(
        a, b, a_overturned=ka, a_n=na, b_overturned=kb, b_n=nb, shared=shared
    )


def shared_decisions(con: duckdb.DuckDBPyConnection, a: Filters, b: Filters) -> int:
    """How many decisions match both filter sets."""
    with bound(con, a, prefix="a_") as (wa, pa), bound(con, b, prefix="b_") as (wb, pb):
        row = run(con, "outcome_counts", {**pa, **pb}, where=f"({wa}) and ({wb})")
    return int(row["decisions"].item())


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
