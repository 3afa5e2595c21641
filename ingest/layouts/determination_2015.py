"""Format D, the 2015-2017 final determination letter (`determination_2015`).

Keyed on, in order: the optional page-1 header table (see `header.py`; absent in some copies,
then the fields are None and the warning `no_header` is added), the headings
`HOW THE IMR FINAL DETERMINATION WAS MADE` (holds the credentials), `CLINICAL CASE SUMMARY`
(prose after the sentence ending `including all medical records:`) and
`IMR ISSUES, DECISIONS AND RATIONALES`, then the line ending `set forth below:` and the item
blocks (see `item_blocks.py`).
"""

from __future__ import annotations

import re
from functools import cache

from ingest.errors import ParseError
from ingest.errors import QuarantineReason as R
from ingest.model import Letter

from .header import credentials, header_fields
from .item_blocks import parse_items
from .text import age_and_sex, dewrap

LAYOUT = "determination_2015"
HOW_MADE = "HOW THE IMR FINAL DETERMINATION WAS MADE"
SUMMARY = "CLINICAL CASE SUMMARY"
ITEMS = "IMR ISSUES, DECISIONS AND RATIONALES"
_SUMMARY_INTRO = re.compile(
    r"^The expert reviewer developed the following clinical case summary.*?medical records:\s*",
    re.DOTALL | re.IGNORECASE,
)
_SET_FORTH = re.compile(r"^.*set forth below:$", re.MULTILINE)


def parse(text: str) -> Letter:
    sections = split_sections(text, (HOW_MADE, SUMMARY, ITEMS))
    if sections[ITEMS] is None:
        raise ParseError(R.NO_ITEMS, f"no '{ITEMS}' heading")
    return Letter(
        layout=LAYOUT,
        items=parse_items(item_lines(sections[ITEMS])),
        **letter_fields(sections, SUMMARY),
    )


def letter_fields(sections: dict[str, str | None], summary_heading: str) -> dict:
    """Header, credentials, summary, age and sex: shared with `maximus_2014`."""
    values, warnings = header_fields(sections[""] or "")
    values.update(credentials(sections[HOW_MADE] or ""))
    summary = _SUMMARY_INTRO.sub("", sections[summary_heading] or "", count=1)
    values["clinical_summary"] = dewrap(summary.split("\n"))
    values["patient_age"], values["patient_sex"] = age_and_sex(values["clinical_summary"])
    values["warnings"] = tuple(warnings)
    return values


def item_lines(section: str) -> list[str]:
    """Lines after the `... set forth below:` sentence (or the whole section without it)."""
    match = _SET_FORTH.search(section)
    rest = section[match.end() :] if match else section
    return [line for line in rest.split("\n") if line]


@cache
def _heading_pattern(heading: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(heading)}$", re.MULTILINE)


def split_sections(text: str, headings: tuple[str, ...]) -> dict[str, str | None]:
    """Text before the first heading under "", then the text under each heading (None if absent).

    A heading counts only as a whole line; each section runs to the next heading found.
    """
    found = []
    for heading in headings:
        match = _heading_pattern(heading).search(text)
        if match:
            found.append((match.start(), match.end(), heading))
    found.sort()
    sections: dict[str, str | None] = dict.fromkeys(headings)
    sections[""] = text[: found[0][0]] if found else text
    for (_, end, heading), nxt in zip(found, [*found[1:], (len(text), 0, "")], strict=True):
        sections[heading] = text[end : nxt[0]].strip("\n")
    return sections
