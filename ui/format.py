"""Numbers as an analyst reads them: one place decides how rates, intervals and counts look.

Every rate is shown with its interval and its n, and every count names its unit (letters or
decisions), because the two units differ by a factor of ~2 and are easily confused.
"""

from __future__ import annotations

from datetime import date

from common.numbers import pct

# st.column_config.NumberColumn format for a column of shares scaled by `as_percent`: `12.3 %`.
PERCENT_COLUMN = "%.1f %%"


def count(n: int | None, unit: str) -> str:
    """`1,234 decisions`; the unit is singular for exactly one."""
    if n is None:
        return f"- {unit}"
    word = unit[:-1] if n == 1 and unit.endswith("s") else unit
    return f"{n:,} {word}"


def ci(low: float | None, high: float | None, digits: int = 1) -> str:
    """A 95 % interval as `6.1-12.3 %`."""
    if low is None or high is None:
        return "-"
    return f"{low * 100:.{digits}f}–{high * 100:.{digits}f} %"


def rate_with_ci(rate: float | None, low: float | None, high: float | None) -> str:
    """`8.7 % (95 % CI 6.1–12.3 %)`: the form every headline rate takes."""
    if rate is None:
        return "-"
    return f"{pct(rate)} (95 % CI {ci(low, high)})"


def rate_of(overturned: int, decisions: int) -> str:
    """`12 of 140 decisions overturned`: the numerator and denominator in words."""
    return f"{overturned:,} of {count(decisions, 'decisions')} overturned"


def points(diff: float | None) -> str:
    """A difference of rates in percentage points, signed: `+3.2 pp`."""
    if diff is None:
        return "-"
    return f"{diff * 100:+.1f} pp"


def p_value(p: float | None) -> str:
    """`p = 0.032`, or `p < 0.001` where more digits would be false precision."""
    if p is None:
        return "-"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def date_span(first: date | None, last: date | None, *, short: bool = False) -> str:
    """`Dec 2016 – Feb 2017` (short: `2016–2017`), or a dash when no letter carries a date."""
    if first is None or last is None:
        return "-"
    form = "%Y" if short else "%b %Y"
    a, b = first.strftime(form), last.strftime(form)
    return a if a == b else f"{a}–{b}" if short else f"{a} – {b}"


def period(value: date | str, grain: str) -> str:
    """A period start as analysts say it: `Apr 2016`, `2016 Q2`, `2016`."""
    if not isinstance(value, date):
        return str(value)
    if grain == "quarter":
        return f"{value.year} Q{(value.month - 1) // 3 + 1}"
    return str(value.year) if grain == "year" else value.strftime("%b %Y")


__all__ = ["pct"]  # one house style for shares, shared with the query layer's sentences


def md(text: str | None) -> str:
    """Letter text made safe for st.markdown: `$` would start LaTeX, `<` raw HTML."""
    return (text or "").replace("\\", "\\\\").replace("$", "\\$").replace("<", "&lt;")
