"""Certifications as written -> canonical DWC specialty (first listed = primary)."""

from __future__ import annotations

import pytest

from ingest.classify_specialty import canonical_certifications, canonical_specialty


@pytest.mark.parametrize(
    ("certifications", "expected"),
    [
        (["Chiropractor"], "Chiropractic"),
        (
            ["Physical Medicine & Rehabilitation", "Sports Medicine"],
            "Physical Medicine & Rehabilitation",
        ),
        (["Physical Medicine and Rehabilitation"], "Physical Medicine & Rehabilitation"),
        (["Preventive Medicine", "Occupational Medicine"], "Preventive Medicine"),
        (["Anesthesiology", "Pain Management"], "Anesthesiology"),
        (["Family Medicine"], "Family Practice"),
        (["Orthopaedic Surgery"], "Orthopedic Surgery"),
        (["Neurosurgery"], "Neurological Surgery"),
        (["Psychologist"], "Psychology"),
        # Typos seen in source text are fixed by closeness, not by listing each one.
        (["Occupational Medicne"], "Occupational Medicine"),
        (["Internal Medcine"], "Internal Medicine"),
        (["Physcial Medicine & Rehabilitation"], "Physical Medicine & Rehabilitation"),
        # One comma-joined string, as the letter prints it, is split.
        (["Family Practice, Sports Medicine"], "Family Practice"),
        ([], "Unclassified"),
        (["Astrology"], "Unclassified"),
    ],
)
def test_primary_specialty(certifications: list[str], expected: str) -> None:
    assert canonical_specialty(certifications) == expected


def test_full_certification_list_is_canonical_and_in_letter_order() -> None:
    written = ["Preventive Medicine, Occupational Medicine", "Medical Toxicology", "Chiropractor"]
    assert canonical_certifications(written) == (
        "Preventive Medicine",
        "Occupational Medicine",
        "Medical Toxicology",
        "Chiropractic",
    )


def test_close_but_distinct_specialties_are_not_merged() -> None:
    assert canonical_specialty(["Neurology"]) == "Neurology"
    assert canonical_specialty(["Nephrology"]) == "Nephrology"
    assert canonical_specialty(["Psychiatry"]) == "Psychiatry"
    assert canonical_specialty(["Psychology"]) == "Psychology"
