"""Numbers as an analyst reads them: one place decides how rates, intervals and counts look.

Every rate is shown with its interval and its n, and every count names its unit (letters or
decisions), because the two units differ by a factor of ~2 and are easily confused.
"""

from __future__ import annotations

import re
from datetime import date

from common.numbers import pct
from queries.filters import Filters

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


# Markdown's and Streamlit's active characters (links, images, emphasis, code, HTML,
# entities, maths, directives, tables, autolinks `http:` / `www.`); `-` only starts a list
# or a heading underline at a line start, so it is escaped there alone and stays readable.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~$:&.^=\"])")
_LINE_START = re.compile(r"(?m)^(\s*)-")


def md(text: object) -> str:
    """Any text from a URL or a letter, made inert for st.markdown / st.caption / st.info.

    Streamlit renders Markdown (links, images, HTML, `$` maths, `:red[...]` directives) in
    all of these; CommonMark lets a backslash escape any ASCII punctuation, so escaping every
    one of them shows the text exactly as written and turns none of it into markup: no link,
    no image fetch, no autolink (`http\\://`). The one function every page uses for such text.
    """
    escaped = _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))
    return _LINE_START.sub(r"\1\\-", escaped)


def highlighted(snippet: str | None) -> str:
    """A search snippet (matches wrapped in `**` by the index) with the text escaped and the
    matches bold; the index already marks a cut with one `…`, so none is added here."""
    parts = (snippet or "").split("**")
    return "**".join(md(part) for part in parts) if len(parts) % 2 else md(snippet)


def file_stem(f: Filters, *, tag: str = "") -> str:
    """A download's name from its view: `imr-decisions_cat-Pharmaceuticals_2016`."""
    params = f.to_query_params()
    parts = ["imr-decisions", tag] if tag else ["imr-decisions"]
    a, b = f.date_from, f.date_to
    if a and b and (a.month, a.day, b.month, b.day) == (1, 1, 12, 31):
        parts.append(str(a.year) if a.year == b.year else f"{a.year}-{b.year}")
    else:
        parts += [f"{k}-{params[k]}" for k in ("from", "to") if k in params]
    for key, value in params.items():
        if key not in ("from", "to"):
            parts.append(f"{key}-{'+'.join([value] if isinstance(value, str) else value)}")
    stem = "_".join(re.sub(r"[^A-Za-z0-9.+-]+", "-", p).strip("-") for p in parts)
    return stem[:150]
