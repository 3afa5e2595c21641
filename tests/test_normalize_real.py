"""The 40 real letters: every item's categories match the hand-checked table, and the
coverage targets of the issue hold (>= 97 % services, 100 % guideline sources, 100 %
specialties)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pytest

from ingest.extract import extract_file, letter_text
from ingest.layouts import parse_letter
from ingest.model import Letter
from ingest.normalize import canonical_specialty, decision_categories
from tests.paths import REAL_LETTERS

EXPECTED = tomllib.loads((Path(__file__).parent / "expected" / "real_categories.toml").read_text())
SOURCES = {"MTUS", "ODG", "ACOEM (non-MTUS)", "Other non-MTUS", "None cited"}


@cache
def _letters() -> dict[str, Letter]:
    letters = (
        parse_letter(letter_text(extract_file(p))) for p in sorted(REAL_LETTERS.glob("*.pdf"))
    )
    return {letter.case_number: letter for letter in letters}


def _items():
    return [(letter, item) for letter in _letters().values() for item in letter.items]


def test_the_expected_table_covers_every_real_item() -> None:
    expected = {(e["case"], e["item"]) for e in EXPECTED["item"]}
    actual = {(letter.case_number, item.item_no) for letter, item in _items()}
    assert len(actual) == 84
    assert expected == actual


@pytest.mark.parametrize("expected", EXPECTED["item"], ids=lambda e: f"{e['case']}-{e['item']}")
def test_real_item_categories(expected: dict) -> None:
    letter = _letters()[expected["case"]]
    item = letter.items[expected["item"] - 1]
    assert item.service == expected["service"]  # the table is about this exact text
    got = decision_categories(item.service, item.ca_guideline, item.imr_guideline)
    assert got == {
        "service_category": expected["category"],
        "service_subcategory": expected["subcategory"],
        "drug_class": expected["drug_class"],
        "ca_guideline_source": expected["ca_source"],
        "imr_guideline_source": expected["imr_source"],
        "ca_mtus_chapter": expected["ca_chapter"] or None,
        "imr_mtus_chapter": expected["imr_chapter"] or None,
    }


def test_real_reviewer_specialties() -> None:
    got = {
        case: canonical_specialty(letter.reviewer_certifications)
        for case, letter in _letters().items()
    }
    assert got == EXPECTED["specialty"]


def test_coverage_targets_on_real_letters() -> None:
    rows = [decision_categories(i.service, i.ca_guideline, i.imr_guideline) for _, i in _items()]
    classified = sum(r["service_category"] != "Unclassified" for r in rows)
    assert classified / len(rows) >= 0.97
    assert all(
        r["ca_guideline_source"] in SOURCES and r["imr_guideline_source"] in SOURCES for r in rows
    )
    specialties = [
        canonical_specialty(letter.reviewer_certifications) for letter in _letters().values()
    ]
    assert "Unclassified" not in specialties
