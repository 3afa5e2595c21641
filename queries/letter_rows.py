"""Which filters and groupings are the letter's own, so a letter's first item can stand for it.

Every item of a letter carries the letter's header fields (date, reviewer, patient, case
outcome), and ingest numbers a letter's items 1..n (the layouts reject gaps). So when every
filter and key is a letter field, a letter matches with all of its items or none, and its
`item_no = 1` row is the letter: counting and keying letters needs no regrouping of 3.34 M
items per letter (1.5 s at full scale), and its item count is its rows' count. Item fields
(service, guideline, free text) need the general path: distinct letters among the matches.
"""

from __future__ import annotations

from dataclasses import fields

from queries.filters import Filters

# Filters fields that are the letter's (the same on every item of a letter).
LETTER_FILTERS = frozenset({
    "date_from", "date_to", "reviewer_specialty", "reviewer_state", "priority", "layout",
    "case_outcome", "age_band", "patient_sex", "licensed_in_california", "is_demo",
})  # fmt: skip
# Filters fields that belong to one item: a letter may match through some items only.
ITEM_FILTERS = frozenset({
    "service_category", "service_subcategory", "drug_class", "ca_guideline_source",
    "imr_guideline_source", "ca_mtus_chapter", "imr_mtus_chapter", "partly_authorized", "text",
})  # fmt: skip
# Groupings (queries.grouping.GROUPINGS) that are the letter's.
LETTER_KEYS = frozenset({
    "reviewer_specialty", "reviewer_state", "licensed_in_california", "priority", "layout",
    "case_outcome", "age_band", "patient_sex", "is_demo", "decision_year",
})  # fmt: skip


def whole_letters(f: Filters, *keys: str | None) -> bool:
    """Whether `f` and the grouping `keys` (None: no key) use letter fields only."""
    empty = Filters()
    for name in (x.name for x in fields(Filters) if x.name not in LETTER_FILTERS):
        if getattr(f, name) != getattr(empty, name):
            return False
    return all(k is None or k in LETTER_KEYS for k in keys)
