"""The hand-checked table of the real letters, checked a second way.

`tests/expected/real_letters.toml` pins what the parser must find. Here a deliberately naive
reading (one regex per field over the extracted text, no parser code) must agree with that
table, so a slip made while writing the table cannot hide behind the parser making the same one.
"""

from __future__ import annotations

import re

import pytest

from ingest.extract import extract_file, letter_text
from tests.layouts_helpers import EXPECTED, REAL_LETTERS

FIELDS = {
    "case_number": r"Case Number: (CM\d\d-\d{7})",
    "date_assigned": r"Date Assigned: (\S+)",
    "date_of_injury": r"Date of Injury: (\S+)",
    "decision_date": r"Decision Date: (\S+)",
    "ur_denial_date": r"UR Denial Date: (\S+)",
    "application_received": r"Application(?:\s+Received:)?\s+(\d\d/\d\d/\d{4})",
    "priority": r"Priority: (\w+)",
}


def naive_reading(text: str) -> dict:
    got = {name: re.search(pattern, text).group(1) for name, pattern in FIELDS.items()}
    states = re.search(r"State\(s\) of Licensure: (.+)", text).group(1)
    got["states"] = [s.strip() for s in states.split(",")]
    certs = re.search(r"Certification\(s\)/Specialty: (.+?)\nCLINICAL CASE SUMMARY", text, re.S)
    got["certifications"] = [c.strip() for c in certs.group(1).replace("\n", " ").split(",")]
    age_sex = re.search(r"(\d+)[- ]year[- ]old (male|female)", text)
    got["age"], got["sex"] = int(age_sex.group(1)), age_sex.group(2)
    got["outcomes"] = re.findall(r"(?:^|:)\s*(Upheld|Overturned)$", text, re.M)
    return got


@pytest.mark.parametrize("path", REAL_LETTERS, ids=lambda p: p.stem)
def test_the_table_agrees_with_a_naive_reading(path) -> None:
    expected = EXPECTED["letters"][path.stem]
    got = naive_reading(letter_text(extract_file(path)))
    assert got.pop("outcomes") == [item["outcome"] for item in expected["items"]]
    assert got == {key: expected[key] for key in got}


def test_the_real_letters_hold_84_decisions_by_the_naive_count() -> None:
    total = sum(len(naive_reading(letter_text(extract_file(p)))["outcomes"]) for p in REAL_LETTERS)
    assert (len(REAL_LETTERS), total) == (40, 84)
