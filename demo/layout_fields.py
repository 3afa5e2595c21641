"""Blank the facts an older layout does not show, so a letter's truth is what its text says."""

from __future__ import annotations

import tomllib
from dataclasses import fields, replace
from functools import cache
from pathlib import Path

from ingest.model import Item, Letter

HEADER_FIELDS = (  # the page-1 header block; copies without it have none of these
    "case_number",
    "date_assigned",
    "date_of_injury",
    "decision_date",
    "ur_denial_date",
    "application_received",
    "priority",
)
_LETTER_OPTIONAL = (*HEADER_FIELDS, "patient_age", "patient_sex")
_ITEM_BLANKS = {
    "original_request": None,
    "authorized_portion": None,
    "ca_guideline": "",
    "imr_guideline": "",
    "rationale": "",
}


@cache
def _rules() -> dict:
    return tomllib.loads((Path(__file__).parent / "layouts.toml").read_text(encoding="utf-8"))


def shown_in_layout(letter: Letter) -> Letter:
    rule = _rules().get(letter.layout)
    if rule is None:
        return letter
    keep = set(rule["letter_fields"])
    changes: dict = {name: None for name in _LETTER_OPTIONAL if name not in keep}
    if "clinical_summary" not in keep:
        changes["clinical_summary"] = ""
    if rule["first_certification_only"]:
        changes["reviewer_certifications"] = letter.reviewer_certifications[:1]
    item_keep = set(rule["item_fields"])
    items = tuple(_item_shown(item, item_keep) for item in letter.items)
    return replace(letter, items=items, **changes)


def _item_shown(item: Item, keep: set[str]) -> Item:
    blanks = {k: v for k, v in _ITEM_BLANKS.items() if k not in keep}
    if item.original_request is not None and "original_request" not in keep:
        blanks["service"] = item.original_request  # an old letter names the whole request
    return replace(item, **blanks) if blanks else item


ITEM_FIELDS = tuple(f.name for f in fields(Item))
