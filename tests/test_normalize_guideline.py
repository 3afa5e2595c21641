"""Citation line -> guideline source, MTUS chapter and edition, for every shape in
letter-formats.md (2015 and 2016-17 wordings, combined sentences, nothing cited)."""

from __future__ import annotations

import pytest

from ingest.classify_guideline import GuidelineClass, classify_guideline

CASES = [
    # 2016-17 MTUS wordings.
    (
        "Decision based on MTUS Low Back Complaints 2004, Section(s): Special Studies.",
        GuidelineClass("MTUS", "Low Back", "2004"),
    ),
    (
        "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Opioids, "
        "criteria for use.",
        GuidelineClass("MTUS", "Chronic Pain", "2016"),
    ),
    (
        "Decision based on MTUS Chronic Pain Medical Treatment 2009, "
        "Section(s): Physical Medicine.",
        GuidelineClass("MTUS", "Chronic Pain", "2009"),
    ),
    (
        "Decision based on MTUS Opioid Treatment 2016, Section(s): 3.3.9 Opioids for Chronic Pain "
        "and Chronic Opioid Treatment.",
        GuidelineClass("MTUS", "Opioids", "2016"),
    ),
    (
        "Decision based on MTUS Acupuncture Treatment 2007.",
        GuidelineClass("MTUS", "Acupuncture", "2007"),
    ),
    (
        "Decision based on MTUS Postsurgical Treatment 2009, "
        "Section(s): Knee, Forearm, Wrist, & Hand.",
        GuidelineClass("MTUS", "Postsurgical", "2009"),
    ),
    (
        "Decision based on MTUS General Approaches 2004, "
        "Section(s): Initial Approaches to Treatment.",
        GuidelineClass("MTUS", "General Approaches", "2004"),
    ),
    # 2015 wording: ACOEM chapter number inside the MTUS, page numbers, no year.
    (
        "Decision based on MTUS ACOEM Chapter 8 Neck and Upper Back Complaints Page(s): 177-178.",
        GuidelineClass("MTUS", "Neck and Upper Back", None),
    ),
    (
        "Decision based on MTUS ACOEM Chapter 12 Page(s): 303.",
        GuidelineClass("MTUS", "Low Back", None),
    ),
    (
        "Decision based on MTUS Chronic Pain Treatment Guidelines neurontin Page(s): 18.",
        GuidelineClass("MTUS", "Chronic Pain", None),
    ),
    # Post-December-2017 names map to the same chapter keys.
    (
        "Decision based on MTUS Low Back Disorders, Section(s): Epidural Injections.",
        GuidelineClass("MTUS", "Low Back", "2017+"),
    ),
    (
        "Decision based on MTUS Cervical and Thoracic Spine Disorders.",
        GuidelineClass("MTUS", "Neck and Upper Back", "2017+"),
    ),
    (
        "Decision based on MTUS Hand, Wrist, and Forearm Disorders 2019.",
        GuidelineClass("MTUS", "Forearm, Wrist and Hand", "2019"),
    ),
    (
        "Decision based on MTUS Chronic Pain Guideline, Section(s): Opioids.",
        GuidelineClass("MTUS", "Chronic Pain", "2017+"),
    ),
    ("Decision based on MTUS Opioids Guideline.", GuidelineClass("MTUS", "Opioids", "2017+")),
    (
        "Decision based on MTUS Workplace Mental Health Guideline.",
        GuidelineClass("MTUS", "Mental Health", "2017+"),
    ),
    ("Decision based on MTUS Drug Formulary.", GuidelineClass("MTUS", "Drug Formulary", "2017+")),
    # MTUS with an unknown chapter is counted, not an error.
    (
        "Decision based on MTUS Section 9792.24.2.",
        GuidelineClass("MTUS", "Unknown MTUS chapter", None),
    ),
    # Combined MTUS + Non-MTUS: MTUS wins, chapter read from the MTUS part only.
    (
        "Decision based on MTUS Low Back Complaints 2004. Decision based on Non-MTUS Citation "
        "Official Disability Guidelines (ODG), Neck and Upper Back.",
        GuidelineClass("MTUS", "Low Back", "2004"),
    ),
    (
        "Decision based on MTUS Neck and Upper Back Complaints 2004, "
        "Section(s): Special Studies, and "
        "Forearm, Wrist, and Hand Complaints 2004.",
        GuidelineClass("MTUS", "Neck and Upper Back", "2004"),
    ),
    # Non-MTUS only, 2016-17 and 2015 wordings.
    (
        "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
        "Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) "
        "Knee - Platelet-rich plasma (PRP).",
        GuidelineClass("ODG", None, None),
    ),
    (
        "The Claims Administrator did not base their decision on the MTUS. Decision based on "
        "Non-MTUS Citation Official Disability Guidelines -Neck and Upper Back.",
        GuidelineClass("ODG", None, None),
    ),
    (
        "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
        "Guidelines. Decision based on Non-MTUS Citation ACOEM Hip and Groin Chapter.",
        GuidelineClass("ACOEM (non-MTUS)", None, None),
    ),
    (
        "The Claims Administrator based their decision on recommendation(s) outside of the MTUS "
        "Guidelines. Decision based on Non-MTUS Citation ACOEM guidelines and the Official "
        "Disability Guidelines.",
        GuidelineClass("ACOEM (non-MTUS)", None, None),
    ),  # cited first
    (
        "The Expert Reviewer did not base their decision on the MTUS. Decision based on Non-MTUS "
        "Citation physician desk reference, medrol dose pack.",
        GuidelineClass("Other non-MTUS", None, None),
    ),
    (
        "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
        "Guidelines. Decision based on Non-MTUS Citation UpToDate: Management of gout.",
        GuidelineClass("Other non-MTUS", None, None),
    ),
    # Nothing cited.
    (
        "The Expert Reviewer did not cite any medical evidence for its decision.",
        GuidelineClass("None cited", None, None),
    ),
    (
        "The Claims Administrator did not cite any medical evidence for its decision.",
        GuidelineClass("None cited", None, None),
    ),
    ("", GuidelineClass("None cited", None, None)),
]


@pytest.mark.parametrize(("citation", "expected"), CASES)
def test_citation_shapes(citation: str, expected: GuidelineClass) -> None:
    assert classify_guideline(citation) == expected


def test_a_citation_split_over_lines_reads_the_same() -> None:
    wrapped = (
        "Decision based on MTUS ACOEM Chapter 8 Neck and\nUpper Back Complaints Page(s): 177-178."
    )
    assert classify_guideline(wrapped).mtus_chapter == "Neck and Upper Back"


def test_old_and_new_names_of_one_region_share_a_chapter_key() -> None:
    old = classify_guideline("Decision based on MTUS Low Back Complaints 2004.")
    new = classify_guideline("Decision based on MTUS Low Back Disorders.")
    assert old.mtus_chapter == new.mtus_chapter == "Low Back"
    assert (old.edition, new.edition) == ("2004", "2017+")


def test_unrecognised_text_is_flagged_not_guessed() -> None:
    assert classify_guideline("See attached.").source == "Unclassified"
