"""Which filters and groupings are the letter's own, so a letter's first item can stand for it.

Every item of a letter carries the letter's header fields (date, reviewer, patient, case
outcome), and ingest numbers a letter's items 1..n (the layouts reject gaps). So when every
filter and key is a letter field, a letter matches with all of its items or none, and its
`item_no = 1` row is the letter: counting and keying letters needs no regrouping of 3.34 M
items per letter (1.5 s at full scale), and its item count is its rows' count. Item fields
(service, guideline, free text) need the general path: distinct letters among the matches.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import duckdb

from queries.derived import FACTS, items_sql
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


@dataclass(frozen=True)
class Part:
    """One part of a letter that decision_facts flags and counts (sql/derived_facts_rows.sql):
    its first row (`first`) stands for it, carrying its items and overturned items."""

    name: str

    @property
    def first(self) -> str:
        return f"{self.name}_first"

    @property
    def items(self) -> str:
        return f"{self.name}_items"

    @property
    def overturned(self) -> str:
        return f"{self.name}_overturned"


# Item fields a part is cut by: a grouping by them (or a filter to one value of each) selects
# whole parts of each letter.
PART_FIELDS = {
    frozenset({"service_category"}): "category",
    frozenset({"partly_authorized"}): "partly",
    frozenset({"guideline_agreement"}): "agreement",
    frozenset({"service_category", "partly_authorized"}): "category_partly",
    frozenset({"service_category", "guideline_agreement"}): "category_agreement",
}

# The columns a letter part is cut by, beside the letter (PART_FIELDS above; the
# agreement label is decision_facts' stored column).
PART_COLUMNS = {
    "letter": (), "category": ("service_category",), "partly": ("partly_authorized",),
    "agreement": ("guideline_agreement",),
    "category_partly": ("service_category", "partly_authorized"),
    "category_agreement": ("service_category", "guideline_agreement"),
}  # fmt: skip


def letter_part(
    con: duckdb.DuckDBPyConnection, f: Filters, where: str, *keys: str | None
) -> Part | None:
    """The part of a letter that the filters and grouping `keys` select whole, or None.

    When every filter and key is a letter field, a letter matches whole (`letter`); when the
    item fields are the fields of one part, each grouped by or filtered to one value, the
    letter's items of each value match whole (e.g. `category`, or `category_partly` for one
    category grouped by side). Then per (group, letter) counts are the part's own and need no
    regrouping of items. Text, other item fields, or the join fallback (no decision_facts):
    None, the general path.
    """
    if f.text or items_sql(con, needs_rationale="rationale" in where) != FACTS:
        return None
    empty = Filters()
    filtered = {x.name for x in fields(Filters) if getattr(f, x.name) != getattr(empty, x.name)}
    item_fields = (filtered - LETTER_FILTERS) | {k for k in keys if k and k not in LETTER_KEYS}
    if not item_fields:
        return Part("letter")
    if (name := PART_FIELDS.get(frozenset(item_fields))) is None:
        return None
    for field in item_fields:
        value = getattr(f, field, None)
        one_value = value is None or isinstance(value, bool) or len(value) <= 1
        if field not in keys and not one_value:
            return None
    return Part(name)


def first_row(
    con: duckdb.DuckDBPyConnection, f: Filters, where: str, *keys: str | None
) -> str | None:
    """The condition picking one row per matching (group, letter), or None (regroup items):
    the part's flag on decision_facts, else item 1 of letters that match whole."""
    if (part := letter_part(con, f, where, *keys)) is not None:
        return part.first
    return "item_no = 1" if whole_letters(f, *keys) else None
