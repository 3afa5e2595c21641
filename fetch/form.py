"""The search form's fields and the decision-date windows a run walks.

Field names, values and the paging convention are those of `../shared/dwc-search.md`
(read from a public crawler of 2016-2017); dates are written as the form shows them.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

SEARCH_PATH = "/dwc/imr/IMRDecisionSearch.asp"
DEFAULT_BASE_URL = "https://www.dir.ca.gov"
FIRST_DECISIONS = date(2013, 1, 1)  # DWC publishes letters decided since this day


class Mode(StrEnum):
    """`Fname`: the case search lists one row per case (with its outcome), the treatment
    search one row per disputed item (with DWC's category and decision)."""

    CASE = "Case"
    TREATMENT = "Tx"


_COMMON = ("Caseno", "DoIStart", "DoIEnd", "ReqStart", "ReqEnd", "DecStart", "DecEnd", "SpecialtyV")
_EXTRA = {Mode.CASE: ("CaseOutcomeV",), Mode.TREATMENT: ("OutcomeV", "SubCategoryV")}


def form_date(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def search_fields(mode: Mode, start: date, end: date, page: int = 1) -> dict[str, str]:
    """The POST body of one result page: every field present (empty when unused), in order."""
    fields = {"Fname": mode.value}
    fields |= dict.fromkeys(_COMMON + _EXTRA[mode], "")
    fields["DecStart"], fields["DecEnd"] = form_date(start), form_date(end)
    if page > 1:
        fields |= {"newpageno": str(page), "Submit": "Next"}
    else:
        fields["Submit"] = "Submit"
    return fields


def windows(start: date, end: date, days: int) -> list[tuple[date, date]]:
    """[start, end] cut into inclusive windows of `days` days (the last one may be shorter)."""
    if days < 1:
        raise ValueError("a window is at least one day")
    out = []
    while start <= end:
        last = min(start + timedelta(days=days - 1), end)
        out.append((start, last))
        start = last + timedelta(days=1)
    return out


def halves(start: date, end: date) -> list[tuple[date, date]]:
    """A window split in two, for a result list the site cut short."""
    middle = start + timedelta(days=(end - start).days // 2)
    return [(start, middle), (middle + timedelta(days=1), end)]
