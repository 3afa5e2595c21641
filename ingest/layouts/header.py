"""The page-1 header table and the reviewer credentials of MAXIMUS letters (2014 onwards).

Header labels keyed on: `Case Number:`, `Date Assigned:`, `Date of Injury:`, `Decision Date:`,
`UR Denial Date:`, `Priority:` (`Standard`/`Expedited`) and `Application Received:`, which the
two-column table splits: pypdfium2 gives `Application` / `Received:` / date on three lines,
pdfplumber `Application <date>` / `Received:`. Credentials: `State(s) of Licensure:` and
`Certification(s)/Specialty:` (the list may wrap onto following lines).
"""

from __future__ import annotations

import re

from .text import parse_date, split_list

_DATE = r"(\d{1,2}/\d{1,2}/\d{4})"
_FIELDS = {
    "case_number": re.compile(r"Case Number:\s*(CM\d{2}-\d{7})\b"),
    "date_assigned": re.compile(r"Date Assigned:\s*" + _DATE),
    "date_of_injury": re.compile(r"Date of Injury:\s*" + _DATE),
    "decision_date": re.compile(r"Decision Date:\s*" + _DATE),
    "ur_denial_date": re.compile(r"UR Denial Date:\s*" + _DATE),
    "priority": re.compile(r"Priority:\s*(Standard|Expedited)\b", re.IGNORECASE),
}
_APPLICATION = re.compile(
    r"Application\s+(?:Received:\s*" + _DATE + r"|" + _DATE + r"\s+Received:)"
)
_ANY_LABEL = re.compile(
    r"Case Number:|Date Assigned:|Date of Injury:|Decision Date:|UR Denial Date:|Priority:"
)
_STATES = re.compile(r"^State\(s\) of Licensure:\s*(.*)$", re.MULTILINE)
_CERTS = re.compile(r"^Certification\(s\)/Specialty:\s*(.*)$", re.MULTILINE)
# A wrapped list goes on with a short line of names: no heading, label or sentence.
_CONTINUATION = re.compile(r"^(?=.*[a-z])[A-Z][\w&,'()/ -]{0,80}$")
_MAX_WRAPS = 2
_DATE_FIELDS = ("date_assigned", "date_of_injury", "decision_date", "ur_denial_date")


def header_fields(head: str) -> tuple[dict, list[str]]:
    """Letter keyword values found in the header text, and warnings about missing ones."""
    if not _ANY_LABEL.search(head):
        return {}, ["no_header"]
    values: dict = {}
    warnings = []
    for name, pattern in _FIELDS.items():
        match = pattern.search(head)
        raw = match.group(1) if match else None
        if name in _DATE_FIELDS:
            values[name] = parse_date(raw)
            if raw and values[name] is None:
                warnings.append(f"bad_date:{name}")
        elif name == "priority":
            values[name] = raw.capitalize() if raw else None
        else:
            values[name] = raw
        if raw is None:
            warnings.append(f"missing:{name}")
    match = _APPLICATION.search(head)
    raw = (match.group(1) or match.group(2)) if match else None
    values["application_received"] = parse_date(raw)
    if raw is None:
        warnings.append("missing:application_received")
    return values, warnings


def credentials(text: str) -> dict:
    """States and certifications as written; a wrapped certification list is re-joined."""
    states = _STATES.search(text)
    certs = _CERTS.search(text)
    value = ""
    if certs:
        value = certs.group(1)
        following = text[certs.end() :].lstrip("\n").split("\n", _MAX_WRAPS)[:_MAX_WRAPS]
        for line in following:
            if not _CONTINUATION.match(line) or line.startswith("The "):
                break
            value += " " + line
    return {
        "reviewer_states": split_list(states.group(1)) if states else (),
        "reviewer_certifications": split_list(value),
    }
