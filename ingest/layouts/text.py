"""Small text helpers shared by the layout parsers: de-wrapping, dates, age and sex.

Letters are PDF text: prose is hard-wrapped at the page width, so every field that is prose is
re-joined with single spaces before it is stored or matched.
"""

from __future__ import annotations

import re
from datetime import date

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_AGE_SEX = re.compile(
    r"\b(\d{1,3})[- ]years?[- ]old,?\s+(male|female|man|woman|gentleman|lady)\b", re.IGNORECASE
)
_SEX = {"male": "male", "man": "male", "gentleman": "male"}


def dewrap(lines: list[str] | tuple[str, ...]) -> str:
    """Join hard-wrapped lines into one line with single spaces."""
    return " ".join(line.strip() for line in lines if line.strip())


def parse_date(text: str | None) -> date | None:
    """`MM/DD/YYYY` (one-digit month/day accepted) -> date; None when absent or impossible."""
    if not text:
        return None
    match = _DATE.fullmatch(text.strip())
    if not match:
        return None
    month, day, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def age_and_sex(summary: str) -> tuple[int | None, str | None]:
    """First `48 year old male` / `47-year-old female` / `39-year-old gentleman` phrase."""
    match = _AGE_SEX.search(summary)
    if not match:
        return None, None
    age = int(match.group(1))
    sex = _SEX.get(match.group(2).lower(), "female")
    return (age if 0 < age < 120 else None), sex


def split_list(value: str) -> tuple[str, ...]:
    """`California,North Carolina` or `A, B` -> ("California", "North Carolina")."""
    return tuple(part.strip() for part in value.split(",") if part.strip())
