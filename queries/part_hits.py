"""The letter parts a text matches at least once, as one bit per decision number set at each
such part's first row: the per-letter analyses under a text of any share read the parts' first
rows like the no-text fast path (queries/letter_rows.py), with one bit looked up per row.

Case outcomes, items per letter and timeliness count a (group, letter) when any of its items
matches; when the other filters and the grouping select whole parts, that is "the part has a
hit". Without this, a text in 10-90 % of the rows regroups ~1-3 M matching rows per letter, or
(above half) counts the parts it misses entirely. Here the index's matches are mapped to their
parts' first rows in numpy (`first_of`: each decision number's part's first row, kept per
database version and part kind, 13 MB each at full scale), and the first rows whose bit is set
are the matching parts.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import duckdb
import numpy as np

from common.sqlfiles import render
from queries import fulltext
from queries.binding import index_of
from queries.connection import SQL_DIR, db_path_of, db_version
from queries.derived import FACTS, items_sql
from queries.filters import Filters
from queries.kept import keep, kept
from queries.letter_rows import PART_COLUMNS, Part, letter_part

CACHED = 6  # part kinds of one database version
_first_of: OrderedDict[tuple[str, str, str], np.ndarray] = OrderedDict()
# A number past the bits reads the last one, which is never set (as Filters.where's text bits).
CONDITION = (
    "get_bit($part_bits::bit, least(decision_no, bit_length($part_bits::bit) - 1)::integer) = 1"
)


@dataclass(frozen=True)
class Matched:
    """The other filters (`others`: `f` without its text), the part they and the grouping
    select whole, and the bits (`params["part_bits"]`) of the first rows of the parts the
    text matches; `where(w)` narrows the other filters' WHERE `w` to those rows."""

    others: Filters
    part: Part
    params: dict[str, object]

    @staticmethod
    def where(others_where: str) -> str:
        return f"({others_where}) and {CONDITION}"


def first_of(con: duckdb.DuckDBPyConnection, part: Part) -> np.ndarray | None:
    """Each decision number's part's first row (0 where none), per database version."""
    path = db_path_of(con)
    if path is None:
        return None
    key = (str(path), db_version(path), part.name)
    if (got := kept(_first_of, key)) is not None:
        return got
    out = _first_rows(con, part)
    return None if out is None else keep(_first_of, key, out, CACHED)


def _first_rows(con: duckdb.DuckDBPyConnection, part: Part) -> np.ndarray | None:
    """first_of's array (sql/part_first_rows.sql); None when two parts share a hash."""
    cols = "".join(f", {c}" for c in PART_COLUMNS[part.name])
    got = con.sql(render(SQL_DIR, "part_first_rows", first=part.first, cols=cols)).fetchnumpy()
    numbers, firsts = np.asarray(got["decision_no"]), np.asarray(got["first_no"])
    if len(numbers) == 0 or len(numbers) != int(got["rows"][0]):
        return None
    top = int(numbers.max())
    out = np.zeros(top + 1, dtype=np.int32 if top < 2**31 else np.int64)  # (13 MB at 3.3 M)
    out[numbers] = firsts
    return out


def matched(
    con: duckdb.DuckDBPyConnection, f: Filters, others_where: str, *keys: str | None
) -> Matched | None:
    """The matching parts of `f.text` when the other filters (WHERE `others_where`) and `keys`
    select whole parts on a fresh decision_facts with a search index; else None."""
    if not f.text or items_sql(con) != FACTS:
        return None
    index = index_of(con)
    if index is None:
        return None
    others = f.replace(text=None)
    part = letter_part(con, others, others_where, *keys)
    if part is None:
        return None
    firsts = first_of(con, part)
    if firsts is None:
        return None
    hits = np.unpackbits(np.frombuffer(fulltext.bits(index, f.text), dtype=np.uint8))
    numbers = np.flatnonzero(hits[: len(firsts)])
    mask = np.zeros(len(firsts) + 1, dtype=bool)  # (the last bit stays unset)
    mask[firsts[numbers]] = True
    mask[0] = False  # (numbers without a part: none while the index is fresh)
    return Matched(others, part, {"part_bits": np.packbits(mask).tobytes()})
