"""`professional_review_2013`: "MEDICAL PROFESSIONAL REVIEW" letters (2013), detected only.

Headings known: `ISSUE AT DISPUTE:`, `CASE SUMMARY:`, `DOCUMENTS REVIEWED FOR DETERMINATION:`,
`MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:`,
`RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:`,
`MEDICAL REVIEWER QUALIFICATIONS:`. No per-item outcome line is known for this layout and there
is one guideline section for the whole letter, so guessing items would invent data: every such
letter is quarantined as `layout_unsupported` until real samples show how items are decided.
"""

from __future__ import annotations

from ingest.errors import ParseError
from ingest.errors import QuarantineReason as R
from ingest.model import Letter

LAYOUT = "professional_review_2013"


def parse(text: str) -> Letter:
    raise ParseError(
        R.LAYOUT_UNSUPPORTED,
        "MEDICAL PROFESSIONAL REVIEW (2013): per-item outcomes are not reliably stated",
    )
