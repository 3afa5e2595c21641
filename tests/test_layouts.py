"""The Format D parser against the 40 real letters, the seed letter and each header variant."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.errors import ParseError
from ingest.extract import extract_file, letter_text
from ingest.layouts import parse_letter
from tests.layouts_helpers import (
    EXPECTED,
    HEADER,
    REAL_LETTERS,
    SEED_LETTER,
    as_expected,
    format_d,
    item_block,
    real_text,
)


@pytest.mark.parametrize("path", REAL_LETTERS, ids=lambda p: p.stem)
def test_real_letter_matches_hand_checked_values(path):
    letter = parse_letter(real_text(path.stem))
    assert letter.layout == "determination_2015"
    assert as_expected(letter) == EXPECTED["letters"][path.stem]
    assert letter.warnings == ()


def test_real_corpus_is_40_letters_with_84_items_all_checked():
    assert {p.stem for p in REAL_LETTERS} == set(EXPECTED["letters"])
    assert len(REAL_LETTERS) == 40
    assert sum(len(parse_letter(real_text(p.stem)).items) for p in REAL_LETTERS) == 84
    assert sum(len(v["items"]) for v in EXPECTED["letters"].values()) == 84


def test_both_extractors_give_identical_letters(cached_pdfplumber: None) -> None:
    for path in REAL_LETTERS:
        slow = letter_text(extract_file(path, "pdfplumber"))
        assert parse_letter(slow) == parse_letter(real_text(path.stem)), path.stem


def test_citations_and_rationale_span_their_lines():
    item = parse_letter(real_text("CM16-0213037")).items[0]
    assert item.ca_guideline == "Decision based on MTUS Shoulder Complaints 2004."
    assert item.imr_guideline == (
        "Decision based on MTUS Shoulder Complaints 2004, Section(s): Special Studies."
    )
    assert item.rationale.startswith("CA MTUS/ACOEM Guidelines state that unequivocal")
    assert item.rationale.endswith(
        "MRI of the shoulder is determined to be not medically necessary."
    )
    assert "\n" not in item.rationale


def test_seed_letter_without_header():
    letter = parse_letter(SEED_LETTER.read_text())
    assert [i.outcome for i in letter.items] == ["Upheld", "Overturned", "Overturned"]
    assert [i.service for i in letter.items] == [
        "1 thoracic spine MRI",
        "1 trial of a Medrol dosepak",
        "1 prescription of Neurontin",
    ]
    assert letter.reviewer_certifications == ("Family Practice",)
    assert letter.reviewer_states == ("North Carolina",)
    assert (letter.patient_age, letter.patient_sex) == (47, "male")
    assert letter.case_number is None and letter.priority is None
    dates = (letter.date_assigned, letter.date_of_injury, letter.decision_date)
    assert (*dates, letter.ur_denial_date, letter.application_received) == (None,) * 5
    assert "no_header" in letter.warnings
    assert letter.case_outcome == "Partially Overturned"
    assert letter.items[2].rationale.endswith("Therefore, the request is necessary and approved.")
    assert "side-effect profile" in letter.items[2].rationale


def test_header_fields_in_pdfium_shape():
    letter = parse_letter(format_d(item_block("MRI of the right shoulder: Upheld")))
    assert letter.case_number == "CM16-0213037"
    assert letter.date_assigned == date(2016, 11, 9)
    assert letter.date_of_injury == date(2016, 10, 13)
    assert letter.decision_date == date(2016, 12, 9)
    assert letter.ur_denial_date == date(2016, 11, 3)
    assert letter.application_received == date(2016, 11, 3)
    assert letter.priority == "Standard"


def test_application_received_in_pdfplumber_shape():
    header = HEADER.replace(
        "Application\nReceived:\n11/03/2016", "Application 11/04/2016\nReceived:"
    )
    header = header.replace("Standard", "Expedited")
    letter = parse_letter(format_d(item_block("X: Upheld"), header=header))
    assert letter.application_received == date(2016, 11, 4)
    assert letter.priority == "Expedited"


def test_credentials_summary_age_and_sex():
    letter = parse_letter(format_d(item_block("X: Upheld")))
    assert letter.reviewer_states == ("California", "Texas")
    assert letter.reviewer_certifications == (
        "Preventive Medicine",
        "Occupational Medicine",
        "Public Health & General Preventive Medicine",
    )
    assert letter.clinical_summary == (
        "The injured worker is a 52 year old woman who sustained an industrial injury on 10-13-16."
    )
    assert (letter.patient_age, letter.patient_sex) == (52, "female")


WRAPPED = "Consult with hip replacement specialist to evaluation for a total hip arthroplasty"
VOLTAREN = "Voltaren gel apply to affected area 4 times a day, #60 grams with 1 refill, DOS:"
VARIANTS = [
    ("MRI of the right shoulder: Upheld", "MRI of the right shoulder", "Upheld"),
    (
        WRAPPED.replace(" hip arthroplasty", "\nhip arthroplasty:\nOverturned"),
        WRAPPED,
        "Overturned",
    ),
    ("Pre-op labs: CBC: Overturned", "Pre-op labs: CBC", "Overturned"),
    (VOLTAREN + "\n11/11/2016: Upheld", VOLTAREN + " 11/11/2016", "Upheld"),
    ("1 thoracic spine MRI:  Upheld", "1 thoracic spine MRI", "Upheld"),
]


@pytest.mark.parametrize(("header", "service", "outcome"), VARIANTS)
def test_item_header_variants(header, service, outcome):
    letter = parse_letter(format_d(item_block("Gym membership: Overturned"), item_block(header)))
    assert [(i.service, i.outcome) for i in letter.items] == [
        ("Gym membership", "Overturned"),
        (service, outcome),
    ]
    assert letter.items[1].original_request is None


PARTIAL_A = (
    "Acupuncture 18 sessions was the original request. Acupuncture 6 sessions was authorized by\n"
    "the Claims Administrator.\n"  # a sentence ending at the line break
    "The remaining IMR eligible portion of the original request, Acupuncture 12 sessions is: Upheld"
)
PARTIAL_B = (
    "Acupuncture treatments (unspecified quantity) was the original request. The Claims\n"
    "Administrator authorized Acupuncture treatments, 6 sessions, leaving the original request\n"
    "IMR eligible. The original request, Acupuncture treatments (unspecified quantity) is:\n"
    "Upheld"
)


@pytest.mark.parametrize(
    ("header", "original", "authorized", "service"),
    [
        (PARTIAL_A, "Acupuncture 18 sessions", "Acupuncture 6 sessions", "Acupuncture 12 sessions"),
        (PARTIAL_B, "Acupuncture treatments (unspecified quantity)",
         "Acupuncture treatments, 6 sessions", "Acupuncture treatments (unspecified quantity)"),
    ],
)  # fmt: skip
def test_partly_authorised_requests_after_a_rationale(header, original, authorized, service):
    first = item_block("Gym membership: Upheld", "As such, the request is not medically necessary.")
    letter = parse_letter(format_d(first, item_block(header)))
    item = letter.items[1]
    assert (item.original_request, item.authorized_portion, item.service) == (
        original,
        authorized,
        service,
    )
    assert letter.items[0].rationale == "As such, the request is not medically necessary."


def test_rationale_ending_in_upheld_is_not_an_item():
    rationale = "The prior denial is therefore\nUpheld"
    letter = parse_letter(format_d(item_block("Gym membership: Upheld", rationale)))
    assert len(letter.items) == 1
    assert letter.items[0].rationale == "The prior denial is therefore Upheld"


def test_rationale_across_a_page_break_is_one_paragraph():
    text = format_d(item_block("X: Upheld", "Guidelines state that\nimaging is\nwarranted."))
    assert parse_letter(text).items[0].rationale == "Guidelines state that imaging is warranted."


def test_items_section_missing_is_no_items():
    text = format_d().split("IMR ISSUES")[0]
    with pytest.raises(ParseError) as info:
        parse_letter(text)
    assert info.value.reason == "no_items"


def test_items_heading_without_items_is_no_items():
    with pytest.raises(ParseError) as info:
        parse_letter(format_d())
    assert info.value.reason == "no_items"


def test_guideline_line_without_outcome_is_bad_item():
    with pytest.raises(ParseError) as info:
        parse_letter(format_d(item_block("MRI of the right shoulder")))
    assert info.value.reason == "bad_item"


def test_text_of_no_known_layout_is_unknown_format():
    with pytest.raises(ParseError) as info:
        parse_letter("Dear claimant,\nThank you for your letter.\n")
    assert info.value.reason == "unknown_format"
