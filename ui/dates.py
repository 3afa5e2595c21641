"""Dates as an analyst types them in the sidebar: `2016-03-15`, `2016-03` or `2016`."""

from __future__ import annotations

import calendar
import re
from datetime import date

_FORM = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse(text: str | None, *, end: bool = False) -> date | None:
    """The date `text` names; a year or month means its first day (its last with `end`).

    Raises ValueError with a sentence saying what to type instead.
    """
    text = (text or "").strip()
    if not text:
        return None
    m = _FORM.match(text)
    try:
        if not m:
            raise ValueError
        year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
        if not month:
            return date(year, 12, 31) if end else date(year, 1, 1)
        if not day:
            return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return date(year, month, day)
    except ValueError:
        raise ValueError("is not a date: type YYYY-MM-DD, YYYY-MM or YYYY") from None
