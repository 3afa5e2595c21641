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

A hit's part is found by `part_hits.first_of` (each decision number's part's first row, read
once per database version and part kind, ~0.5 CPU s at full scale); a text's bits once per
text and index version (~0.1 CPU s).
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import duckdb
import numpy as np

from queries import fulltext
from queries.connection import db_path_of, db_version
from queries.letter_rows import Part
from queries.part_hits import first_of

# flag -> the letter part (letter_rows.PART_COLUMNS) it flags one row of
PART_OF_FLAG = {"letter_first": "letter", "category_first": "category", "partly_first": "partly"}
_BITS_KEPT = 8  # (database version, text, flag) entries, ~420 KB each at full scale
_bits: OrderedDict[tuple[str, str, str, str], bytes] = OrderedDict()


def part_bits(con: duckdb.DuckDBPyConnection, index: Path, text: str, flag: str) -> bytes | None:
    """Bits over decision numbers set at one matching row of each part (of `flag`'s kind) the
    text matches in; None for a flag without such parts, a database without a file, or parts
    `first_of` can't tell apart (the caller takes the general path)."""
    path = db_path_of(con)
    if flag not in PART_OF_FLAG or path is None:
        return None
    key = (str(path), db_version(path), text, flag)  # the version covers the index file too
    if key not in _bits:
        firsts = first_of(con, Part(PART_OF_FLAG[flag]))
        if firsts is None:
            return None
        _bits[key] = _mark(fulltext.numbers(index, text), firsts)
        while len(_bits) > _BITS_KEPT:
            _bits.popitem(last=False)
    _bits.move_to_end(key)
    return _bits[key]


def _mark(hits: np.ndarray, firsts: np.ndarray) -> bytes:
    """Pack the bits: a scratch array indexed by part (its first row's number) takes every
    hit's number (any one of a part's hits wins), and the winners are set. Numbers no stored
    decision has (`firsts` 0 or past its end: a replaced letter's dead postings) are dropped."""
    hits = hits[hits < len(firsts)]
    part = firsts[hits]
    hits, part = hits[part > 0], part[part > 0]
    mask = np.zeros((int(hits[-1]) if len(hits) else 0) + 2, dtype=bool)
    if len(hits):
        scratch = np.empty(int(part.max()) + 1, np.int64)
        scratch[part] = hits
        mask[scratch[part]] = True
    return np.packbits(mask).tobytes()
