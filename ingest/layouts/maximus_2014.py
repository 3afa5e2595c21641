"""`maximus_2014`: "MAXIMUS FEDERAL SERVICES, INC. / Independent Medical Review" letters (2014).

Keyed on the Format D header labels (`UR Denial Date:` and whichever others are present, see
`header.py`), the headings `HOW THE IMR FINAL DETERMINATION WAS MADE` (credentials as in Format
D), `DOCUMENTS REVIEWED`, `CLINICAL CASE SUMMARY` and `IMR DECISION(S) AND RATIONALE(S)`.
Items under the last heading are read in one of two shapes, else the letter is quarantined as
`layout_unsupported`:
1. Format D item blocks (`<item>: Upheld` + `Claims Administrator guideline:` ...).
2. Numbered decision sentences `1. <item> is not medically necessary and appropriate.`
   (see `decision_sentences.py`); the rationale is the text up to the next numbered sentence.
"""

from __future__ import annotations

from ingest.errors import ParseError
from ingest.errors import QuarantineReason as R
from ingest.model import Item, Letter

from .decision_sentences import decisions
from .determination_2015 import HOW_MADE, SUMMARY, item_lines, letter_fields, split_sections
from .item_blocks import parse_items
from .text import dewrap

LAYOUT = "maximus_2014"
DOCUMENTS = "DOCUMENTS REVIEWED"
ITEMS = "IMR DECISION(S) AND RATIONALE(S)"


def parse(text: str) -> Letter:
    sections = split_sections(text, (HOW_MADE, DOCUMENTS, SUMMARY, ITEMS))
    section = sections[ITEMS] or ""
    if not section.strip():
        raise ParseError(R.NO_ITEMS, f"nothing under '{ITEMS}'")
    if "\nClaims Administrator guideline:" in "\n" + section:
        items = parse_items(item_lines(section))
    else:
        items = _sentence_items(dewrap(section.split("\n")))
    return Letter(layout=LAYOUT, items=items, **letter_fields(sections, SUMMARY))


def _sentence_items(prose: str) -> tuple[Item, ...]:
    found = decisions(prose, preamble=False)
    if not found:
        raise ParseError(R.LAYOUT_UNSUPPORTED, f"no item shape recognised under '{ITEMS}'")
    ends = [d.start for d in found[1:]] + [len(prose)]
    return tuple(
        Item(
            item_no=d.item_no,
            service=d.item,
            outcome=d.outcome,
            rationale=prose[d.end : end].strip(),
        )
        for d, end in zip(found, ends, strict=True)
    )
