"""Detection and parsing of the 2013-2014 layouts, from synthetic texts built on their headings."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.errors import ParseError
from ingest.layouts import detect_layout, parse_letter
from tests.layouts_helpers import format_d, item_block

NOTICE = """Notice of Independent Medical Review Determination
Dated: 9/26/2013
IMR Case Number: CM13-0024581 Date of Injury: 1/2/2012
MAXIMUS Federal Services, Inc. has completed the Independent Medical Review of the Application
for Independent Medical Review filed on 9/6/2013 regarding the Utilization Review Denial dated
8/30/2013. The injured worker is a 39-year-old gentleman.
1) MAXIMUS Federal Services, Inc. has determined the request for physical therapy 2x6 for the
lumbar spine is notmedically necessary and appropriate.
2) MAXIMUS Federal Services, Inc. has determined the request for Norco 10/325mg #60 is medically
necessary and appropriate.
The physician reviewer is Board Certified in Physical Medicine and Rehabilitation and is
licensed to practice in California and Texas.
"""

PROFESSIONAL = """MEDICAL PROFESSIONAL REVIEW
ISSUE AT DISPUTE: Physical therapy 2 x 6 for the lumbar spine
CASE SUMMARY: The claimant is a 50 year old female.
DOCUMENTS REVIEWED FOR DETERMINATION: Progress notes.
MEDICAL REVIEWER QUALIFICATIONS: Board certified in Orthopedic Surgery.
"""

MAXIMUS_2014 = """MAXIMUS FEDERAL SERVICES, INC.
Independent Medical Review
Case Number: CM14-0012345 UR Denial Date: 01/15/2014
HOW THE IMR FINAL DETERMINATION WAS MADE
State(s) of Licensure: California
Certification(s)/Specialty: Internal Medicine
DOCUMENTS REVIEWED
Progress report dated 12/20/2013.
CLINICAL CASE SUMMARY
The patient is a 61 year old man with low back pain.
IMR DECISION(S) AND RATIONALE(S)
1. Twelve sessions of acupuncture is not medically necessary and appropriate.
The guidelines allow an initial trial of 3 to 6 sessions.
2. Omeprazole 20mg #60 is medically necessary and appropriate.
The patient takes NSAIDs and reports dyspepsia.
"""


def test_notice_2013_items_dates_and_reviewer():
    letter = parse_letter(NOTICE)
    assert letter.layout == "notice_2013"
    assert [(i.item_no, i.service, i.outcome) for i in letter.items] == [
        (1, "physical therapy 2x6 for the lumbar spine", "Upheld"),
        (2, "Norco 10/325mg #60", "Overturned"),
    ]
    assert letter.case_number == "CM13-0024581"
    assert letter.application_received == date(2013, 9, 6)
    assert letter.ur_denial_date == date(2013, 8, 30)
    assert letter.decision_date == date(2013, 9, 26)
    assert letter.date_of_injury == date(2012, 1, 2)
    assert letter.reviewer_certifications == ("Physical Medicine and Rehabilitation",)
    assert letter.reviewer_states == ("California", "Texas")
    assert (letter.patient_age, letter.patient_sex) == (39, "male")


def test_notice_2013_repeated_decision_with_other_outcome_is_bad_item():
    repeat = "2) MAXIMUS Federal Services, Inc. has determined the request for Norco 10/325mg #60"
    text = NOTICE + repeat + " is not medically necessary and appropriate.\n"
    with pytest.raises(ParseError) as info:
        parse_letter(text)
    assert info.value.reason == "bad_item"


def test_notice_2013_without_decisions_is_no_items():
    with pytest.raises(ParseError) as info:
        parse_letter(NOTICE.split("1) ")[0])
    assert info.value.reason == "no_items"


def test_professional_review_2013_is_detected_and_unsupported():
    assert detect_layout(PROFESSIONAL) == "professional_review_2013"
    with pytest.raises(ParseError) as info:
        parse_letter(PROFESSIONAL)
    assert info.value.reason == "layout_unsupported"


def test_maximus_2014_numbered_decisions():
    letter = parse_letter(MAXIMUS_2014)
    assert letter.layout == "maximus_2014"
    assert [(i.service, i.outcome) for i in letter.items] == [
        ("Twelve sessions of acupuncture", "Upheld"),
        ("Omeprazole 20mg #60", "Overturned"),
    ]
    assert letter.items[0].rationale == "The guidelines allow an initial trial of 3 to 6 sessions."
    assert letter.case_number == "CM14-0012345"
    assert letter.ur_denial_date == date(2014, 1, 15)
    assert letter.reviewer_certifications == ("Internal Medicine",)
    assert letter.clinical_summary == "The patient is a 61 year old man with low back pain."
    assert (letter.patient_age, letter.patient_sex) == (61, "male")


def test_maximus_2014_with_format_d_item_blocks():
    text = MAXIMUS_2014.split("1. ")[0] + item_block("Omeprazole 20mg #60: Overturned")
    letter = parse_letter(text)
    assert [(i.service, i.outcome) for i in letter.items] == [("Omeprazole 20mg #60", "Overturned")]
    assert letter.items[0].imr_guideline.endswith("Section(s): Special Studies.")


def test_maximus_2014_without_a_known_item_shape_is_unsupported():
    text = MAXIMUS_2014.split("1. ")[0] + "The request is denied for reasons given above.\n"
    with pytest.raises(ParseError) as info:
        parse_letter(text)
    assert info.value.reason == "layout_unsupported"


@pytest.mark.parametrize(
    ("text", "layout"),
    [
        (NOTICE, "notice_2013"),
        (PROFESSIONAL, "professional_review_2013"),
        (MAXIMUS_2014, "maximus_2014"),
        (format_d(item_block("X: Upheld")), "determination_2015"),
        ("Dear claimant,\nnothing to see here.", None),
    ],
)
def test_detect_layout(text, layout):
    assert detect_layout(text) == layout
