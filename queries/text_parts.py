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

The decision -> (letter, code) arrays are read once per database version (~0.5 CPU s at full
scale, 20 MB); a text's bits once per text and index version (~0.1 CPU s).
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from queries import fulltext
from queries.connection import db_path_of, db_version
from queries.runner import run

# flag -> the item field that splits a letter into that flag's parts (None: the whole letter)
PART_FIELDS: dict[str, str | None] = {
    "letter_first": None,
    "category_first": "service_category",
    "partly_first": "partly_authorized",
}
_KEYS_KEPT = 3  # (database version, flag) entries
_BITS_KEPT = 8  # (database version, text, flag) entries, ~420 KB each at full scale
_keys: OrderedDict[tuple[str, str, str], tuple[np.ndarray, np.ndarray | None]] = OrderedDict()
_bits: OrderedDict[tuple[str, str, str, str], bytes] = OrderedDict()


def part_bits(con: duckdb.DuckDBPyConnection, index: Path, text: str, flag: str) -> bytes | None:
    """Bits over decision numbers set at one matching row of each part (of `flag`'s kind) the
    text matches in; None for a flag without such parts or a database without a file."""
    path = db_path_of(con)
    if flag not in PART_FIELDS or path is None:
        return None
    key = (str(path), db_version(path), text, flag)  # the version covers the index file too
    if key not in _bits:
        letters, codes = _part_keys(con, key[0], key[1], flag)
        _bits[key] = _mark(fulltext.numbers(index, text), letters, codes)
        while len(_bits) > _BITS_KEPT:
            _bits.popitem(last=False)
    _bits.move_to_end(key)
    return _bits[key]


def _part_keys(
    con: duckdb.DuckDBPyConnection, path: str, version: str, flag: str
) -> tuple[np.ndarray, np.ndarray | None]:
    """Per decision number: its letter (-1 where no stored decision has it) and a small code
    of the part's item field (None for the letter itself)."""
    key = (path, version, flag)
    if key not in _keys:
        field = PART_FIELDS[flag]
        rows = run(con, "text_part_keys", {}, code=field or "null::integer")
        numbers = rows["decision_no"].to_numpy()
        top = int(numbers.max()) if len(numbers) else 0
        letters = np.full(top + 1, -1, np.int32)
        letters[numbers] = rows["letter_no"].to_numpy()
        codes = None
        if field is not None:  # value -> dense code; NULL is a value of its own
            dense = rows["code"].cast(pl.String).rank("dense").fill_null(0).to_numpy()
            codes = np.zeros(top + 1, np.int32)
            codes[numbers] = dense
        _keys[key] = (letters, codes)
        while len(_keys) > _KEYS_KEPT:
            _keys.popitem(last=False)
    _keys.move_to_end(key)
    return _keys[key]


def _mark(hits: np.ndarray, letters: np.ndarray, codes: np.ndarray | None) -> bytes:
    """Pack the bits: for each code, a letter-indexed scratch array takes every hit's number
    (any one of a letter's hits wins), and the winners are set. Numbers no stored decision
    has (a replaced letter's dead postings) are dropped."""
    hits = hits[hits < len(letters)]
    owner = letters[hits]
    hits, owner = hits[owner >= 0], owner[owner >= 0]
    mask = np.zeros((int(hits[-1]) if len(hits) else 0) + 2, dtype=bool)
    if len(hits):
        scratch = np.empty(int(owner.max()) + 1, np.int64)
        parts = [(hits, owner)]
        if codes is not None:  # one pass per value of the item field (a few)
            code = codes[hits]
            parts = [(hits[code == c], owner[code == c])
                     for c in np.flatnonzero(np.bincount(code))]  # fmt: skip
        for numbers, of in parts:
            scratch[of] = numbers
            mask[scratch[of]] = True
    return np.packbits(mask).tobytes()
