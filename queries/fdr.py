"""False discovery rate control across many groups (Benjamini and Hochberg 1995).

Ranks, "beyond noise" flags and top movers test every group at once; with 30 groups and no
real differences, plain p < 0.05 flags about 1.5 of them by chance. BH-adjusted p-values
(q-values) keep the expected share of false flags among the flagged at or under `FDR`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

FDR = 0.05


def bh_adjust(p_values: Sequence[float | None]) -> list[float | None]:
    """BH-adjusted p-values in input order; None (no test possible) stays None, uncounted.

    q_(i) = min over j >= i of p_(j) * m / j, capped at 1 (the step-up procedure as
    adjusted p-values: p_(i) is rejected at level alpha exactly when q_(i) <= alpha).
    """
    tested = [(p, i) for i, p in enumerate(p_values) if p is not None and not math.isnan(p)]
    m = len(tested)
    out: list[float | None] = [None] * len(p_values)
    running = 1.0
    for rank, (p, i) in reversed(list(enumerate(sorted(tested), start=1))):
        running = min(running, p * m / rank)
        out[i] = running
    return out


def bh_flags(p_values: Sequence[float | None], fdr: float = FDR) -> list[bool]:
    """True where the group is a discovery at false discovery rate `fdr`."""
    return [q is not None and q <= fdr for q in bh_adjust(p_values)]
