"""Shared bits for the parser tests: where the real letters live and a Format D text builder."""

from __future__ import annotations

import tomllib
from datetime import datetime
from functools import cache
from pathlib import Path

from ingest.extract import extract_file, letter_text
from ingest.model import Letter
from tests.paths import REAL_LETTERS as REAL_LETTERS_DIR
from tests.paths import SEED_LETTER as SEED_LETTER  # re-exported for the parser tests

REAL_LETTERS = sorted(REAL_LETTERS_DIR.glob("*.pdf"))
EXPECTED = tomllib.loads((Path(__file__).parent / "expected" / "real_letters.toml").read_text())


@cache
def real_text(name: str, extractor: str = "pypdfium2") -> str:
    return letter_text(extract_file(REAL_LETTERS_DIR / f"{name}.pdf", extractor))


def as_expected(letter: Letter) -> dict:
    """A parsed letter in the shape of one `real_letters.toml` entry."""

    def day(value):
        return value.strftime("%m/%d/%Y") if value else None

    items = []
    for item in letter.items:
        row = {"service": item.service, "outcome": item.outcome}
        if item.original_request is not None:
            row["original_request"] = item.original_request
            row["authorized_portion"] = item.authorized_portion
        items.append(row)
    return {
        "case_number": letter.case_number,
        "date_assigned": day(letter.date_assigned),
        "date_of_injury": day(letter.date_of_injury),
        "decision_date": day(letter.decision_date),
        "ur_denial_date": day(letter.ur_denial_date),
        "application_received": day(letter.application_received),
        "priority": letter.priority,
        "certifications": list(letter.reviewer_certifications),
        "states": list(letter.reviewer_states),
        "age": letter.patient_age,
        "sex": letter.patient_sex,
        "item_count": len(letter.items),
        "items": items,
    }


def mmddyyyy(text: str):
    return datetime.strptime(text, "%m/%d/%Y").date()


HEADER = """Case Number: CM16-0213037
Date Assigned: 11/09/2016 Date of Injury: 10/13/2016
Decision Date: 12/09/2016 UR Denial Date: 11/03/2016
Priority: Standard Application
Received:
11/03/2016
"""

BODY = """HOW THE IMR FINAL DETERMINATION WAS MADE
MAXIMUS Federal Services sent the complete case file to an expert reviewer.
The Expert Reviewer has the following credentials:
State(s) of Licensure: California, Texas
Certification(s)/Specialty: Preventive Medicine, Occupational Medicine, Public Health &
General Preventive Medicine
CLINICAL CASE SUMMARY
The expert reviewer developed the following clinical case summary based on a review of the
case file, including all medical records:
The injured worker is a 52 year old
woman who sustained an industrial injury on 10-13-16.
IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:
"""


def item_block(header: str, rationale: str = "The request is not medically necessary.") -> str:
    return (
        f"{header}\n"
        "Claims Administrator guideline: Decision based on MTUS Shoulder Complaints 2004.\n"
        "MAXIMUS guideline: Decision based on MTUS Shoulder Complaints 2004, Section(s):\n"
        "Special Studies.\n"
        f"Decision rationale: {rationale}\n"
    )


def format_d(*blocks: str, header: str = HEADER) -> str:
    return header + BODY + "".join(blocks)
