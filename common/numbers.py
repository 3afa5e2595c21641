"""The house style for a share, `12.3 %`, for every layer that writes one in words."""

from __future__ import annotations


def pct(rate: float | None, digits: int = 1) -> str:
    """A share as `8.7 %`; `-` when there is nothing to divide."""
    if rate is None or rate != rate:  # NaN
        return "-"
    return f"{rate * 100:.{digits}f} %"
