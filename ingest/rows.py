"""Letter -> rows of the public schema (`letters`, `decisions`), normalised columns included."""

from __future__ import annotations

import hashlib

from ingest.model import PARSER_VERSION, Letter
from ingest.normalize import canonical_specialty, decision_categories


def letter_id_for(letter: Letter, text: str) -> str:
    """The case number when the letter has one; otherwise a stable id from its text."""
    if letter.case_number:
        return letter.case_number
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def letter_row(
    letter: Letter,
    *,
    text: str,
    source_path: str,
    source_sha256: str,
    page_count: int,
    is_demo: bool,
) -> dict:
    return {
        "letter_id": letter_id_for(letter, text),
        "case_number": letter.case_number,
        "layout": letter.layout,
        "source_path": source_path,
        "source_sha256": source_sha256,
        "page_count": page_count,
        "date_assigned": letter.date_assigned,
        "date_of_injury": letter.date_of_injury,
        "decision_date": letter.decision_date,
        "ur_denial_date": letter.ur_denial_date,
        "application_received": letter.application_received,
        "priority": letter.priority,
        "reviewer_specialty": canonical_specialty(letter.reviewer_certifications),
        "reviewer_certifications": list(letter.reviewer_certifications),
        "reviewer_states": list(letter.reviewer_states),
        "licensed_in_california": "California" in letter.reviewer_states,
        "patient_age": letter.patient_age,
        "patient_sex": letter.patient_sex,
        "case_outcome": letter.case_outcome,
        "item_count": len(letter.items),
        "is_demo": is_demo,
        "clinical_summary": letter.clinical_summary,
        "raw_text": text,
        "parser_version": PARSER_VERSION,
    }


def decision_rows(letter: Letter, letter_id: str) -> list[dict]:
    return [
        {
            "letter_id": letter_id,
            "item_no": item.item_no,
            "service": item.service,
            "original_request": item.original_request,
            "authorized_portion": item.authorized_portion,
            "partly_authorized": item.authorized_portion is not None,
            **decision_categories(item.service, item.ca_guideline, item.imr_guideline),
            "outcome": item.outcome,
            "overturned": item.overturned,
            "ca_guideline": item.ca_guideline,
            "imr_guideline": item.imr_guideline,
            "rationale": item.rationale,
        }
        for item in letter.items
    ]


DECISION_FIELDS = ("item_no", "service", "outcome", "imr_guideline", "rationale")


def decisions_fingerprint(decisions: list[dict]) -> str:
    """What a letter decided, independent of the file it came from (PDF or text, with or
    without the header block): two files of one case with different fingerprints conflict."""
    parts = sorted(
        "\x1f".join(" ".join(str(d.get(k) or "").split()) for k in DECISION_FIELDS)
        for d in decisions
    )
    return hashlib.sha256("\x1e".join(parts).encode("utf-8", "backslashreplace")).hexdigest()
