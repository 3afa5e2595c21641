"""`notice_2013`: "Notice of Independent Medical Review Determination" letters (2013).

Keyed on (the letter is prose, not a form):
- items: numbered sentences `1) MAXIMUS Federal Services, Inc. has determined the request for
  <item> is [not] medically necessary and appropriate.` (see `decision_sentences.py`);
  `not` -> Upheld, otherwise Overturned. The rationale is left empty: it is not reliably
  delimited in this layout.
- dates in prose: `filed on 9/6/2013` (application received), `Utilization Review Denial dated
  8/30/2013`, `Dated: 9/26/2013` (decision date), `Date of Injury: 1/2/2012` when present.
- case number `CM13-0012345` anywhere; credentials `The physician reviewer is Board Certified
  in <specialty> and is licensed to practice in <state>[, <state>].`; age and sex as in
  Format D (`a 48-year-old male`). No header table, priority or date assigned.
"""

from __future__ import annotations

import re

from ingest.errors import ParseError
from ingest.errors import QuarantineReason as R
from ingest.model import Item, Letter

from .decision_sentences import decisions
from .text import age_and_sex, dewrap, parse_date, split_list

LAYOUT = "notice_2013"
_DATE = r"(\d{1,2}/\d{1,2}/\d{4})"
_DATES = {
    "application_received": re.compile(r"filed\s*on\s*" + _DATE, re.IGNORECASE),
    "ur_denial_date": re.compile(r"Utilization\s*Review\s*Denial\s*dated\s*" + _DATE, re.I),
    "decision_date": re.compile(r"\bDated:\s*" + _DATE),
    "date_of_injury": re.compile(r"Date\s*of\s*Injury:\s*" + _DATE, re.IGNORECASE),
}
_CASE = re.compile(r"\b(CM\d{2}-\d{7})\b")
_REVIEWER = re.compile(
    r"Board\s*Certified\s*in\s*(?P<certs>.+?)\s*and\s*is\s*licensed\s*to\s*practice\s*in\s*"
    r"(?P<states>[^.]+)\.",
    re.IGNORECASE,
)


def parse(text: str) -> Letter:
    prose = dewrap(text.split("\n"))
    found = decisions(prose, preamble=True)
    if not found:
        raise ParseError(R.NO_ITEMS, "no numbered 'has determined the request for' sentence")
    items = tuple(Item(item_no=d.item_no, service=d.item, outcome=d.outcome) for d in found)
    values: dict = {key: _date(pattern, prose) for key, pattern in _DATES.items()}
    case = _CASE.search(prose)
    reviewer = _REVIEWER.search(prose)
    age, sex = age_and_sex(prose)
    return Letter(
        layout=LAYOUT,
        items=items,
        case_number=case.group(1) if case else None,
        reviewer_certifications=split_list(reviewer["certs"]) if reviewer else (),
        reviewer_states=_states(reviewer["states"]) if reviewer else (),
        patient_age=age,
        patient_sex=sex,
        warnings=("no_header",),
        **values,
    )


def _date(pattern: re.Pattern[str], prose: str):
    match = pattern.search(prose)
    return parse_date(match.group(1)) if match else None


def _states(value: str) -> tuple[str, ...]:
    return split_list(re.sub(r",?\s+and\s+", ", ", value))
