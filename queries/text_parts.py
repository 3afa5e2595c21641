"""One matching row per part: the letter counts of a text filter as the flagged counts.

Without a text, decision_facts' flags (`letter_first`, `category_first`, `partly_first`) mark
one row per part, and when the filters select whole parts the letters are a count of flagged
rows (rates.letter_flag). A text selects rows, not parts, so the part's flagged row may miss
while another of its rows matches. `part_bits` marks instead one *matching* row of every part
with a match (one bit per decision number, as `fulltext.bits`): under other filters that
select whole parts, a part passes them and the text exactly when that row does, so the same
flagged SQL counts the letters with this bit as the flag, in one pass over the matching rows,
where the general path groups ~2 M rows per letter (count(distinct), 0.3-1.3 CPU s at 3.3 M
decisions) and the misses path joins the ~0.8 M numbers a text in 75 % of rows misses.

A breakdown by an item field no stored part follows (`ITEM_FIELDS`: subcategory, drug class,
guideline sources, MTUS chapters) under filters that select whole letters is counted the same
way with one matching row marked per (letter, value of the field).

A hit's part is found by `part_hits.first_of` (each decision number's part's first row, read
once per database version and part kind, ~0.5 CPU s at full scale); a text's bits once per
text and index version (~0.1 CPU s).
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import duckdb
import numpy as np

from common.sqlfiles import render
from queries import fulltext
from queries.connection import SQL_DIR, db_path_of, db_version
from queries.kept import keep, kept
from queries.letter_rows import Part
from queries.part_hits import first_of

# flag -> the letter part (letter_rows.PART_COLUMNS) it flags one row of
PART_OF_FLAG = {"letter_first": "letter", "category_first": "category", "partly_first": "partly"}
# item fields a grouping may cut a letter by, beyond the stored parts (validated names: they
# are rendered into text_field_codes.sql)
ITEM_FIELDS = (
    "service_subcategory", "drug_class", "ca_guideline_source", "imr_guideline_source",
    "ca_mtus_chapter", "imr_mtus_chapter",
)  # fmt: skip
_CODES_KEPT = 3  # (database version, field) entries, 13 MB each at full scale
_codes: OrderedDict[tuple[str, str, str], np.ndarray] = OrderedDict()
_BITS_KEPT = 8  # (database version, text, flag) entries, ~420 KB each at full scale
_bits: OrderedDict[tuple[str, str, str, str], bytes] = OrderedDict()


def part_bits(con: duckdb.DuckDBPyConnection, index: Path, text: str, part: str) -> bytes | None:
    """Bits over decision numbers set at one matching row of each part the text matches in:
    parts of a flag's kind (`PART_OF_FLAG`), or (letter, value) of an item field
    (`ITEM_FIELDS`). None for anything else, a database without a file, or parts `first_of`
    can't tell apart (the caller takes the general path)."""
    path = db_path_of(con)
    if (part not in PART_OF_FLAG and part not in ITEM_FIELDS) or path is None:
        return None
    key = (str(path), db_version(path), text, part)  # the version covers the index file too
    if (got := kept(_bits, key)) is not None:
        return got
    firsts = first_of(con, Part(PART_OF_FLAG.get(part, "letter")))
    if firsts is None:
        return None
    codes = _field_codes(con, key[0], key[1], part) if part in ITEM_FIELDS else None
    return keep(_bits, key, _mark(fulltext.numbers(index, text), firsts, codes), _BITS_KEPT)


def _field_codes(con: duckdb.DuckDBPyConnection, path: str, version: str, field: str) -> np.ndarray:
    """Per decision number: the dense code of its value of `field` (0 where no stored row)."""
    key = (path, version, field)
    if (got := kept(_codes, key)) is not None:
        return got
    got = con.sql(render(SQL_DIR, "text_field_codes", field=field)).fetchnumpy()
    numbers = np.asarray(got["decision_no"])
    codes = np.zeros((int(numbers.max()) if len(numbers) else 0) + 1, np.int32)
    codes[numbers] = np.asarray(got["code"])
    return keep(_codes, key, codes, _CODES_KEPT)


def _mark(hits: np.ndarray, firsts: np.ndarray, codes: np.ndarray | None = None) -> bytes:
    """Pack the bits: a scratch array indexed by part (its first row's number) takes every
    hit's number (any one of a part's hits wins), and the winners are set; with `codes`, once
    per value of the field. Numbers no stored decision has (`firsts` 0 or past its end: a
    replaced letter's dead postings) are dropped."""
    hits = hits[hits < (len(firsts) if codes is None else min(len(firsts), len(codes)))]
    part = firsts[hits]
    hits, part = hits[part > 0], part[part > 0]
    mask = np.zeros((int(hits[-1]) if len(hits) else 0) + 2, dtype=bool)
    if len(hits):
        scratch = np.empty(int(part.max()) + 1, np.int64)
        groups = [(hits, part)]
        if codes is not None:  # the hits sorted by value, one pass per value
            code = codes[hits]
            order = np.argsort(code, kind="stable")
            cuts = np.flatnonzero(np.diff(code[order])) + 1
            groups = list(
                zip(np.split(hits[order], cuts), np.split(part[order], cuts), strict=True)
            )
        for numbers, of in groups:
            scratch[of] = numbers
            mask[scratch[of]] = True
    return np.packbits(mask).tobytes()
