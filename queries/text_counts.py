"""Each part's items a text matches, counted in numpy and handed to DuckDB as columns: the
letter-clustered intervals under a text read whole parts' first rows, as without a text.

A clustered rate sums, per (group, letter) pair, n and k (items, overturned items) and their
squares and product (sql/clustered_rates.sql). When the other filters and the grouping select
whole parts of letters (queries/letter_rows.py), a pair is a part, and under a text its n and
k are the part's *matching* items. Those come from the index's matches alone: each match's
part is its part's first row (`part_hits.first_of`), so `bincount` over the matches' first
rows gives every part's n, and over the overturned matches its k. Without this a text in
10-50 % of the rows regroups ~0.3-1.6 M matching rows per letter, and above half the rows
the rows it misses are grouped per pair (queries/missed_rows.py).

The counts reach DuckDB as three columns with one value per row of decision_facts in the
order a scan reads it (`text_n`, `text_k`: the part's matching items at its first row, 0
elsewhere; `text_hit`: the row matches), joined with POSITIONAL JOIN: no hash join (a join on
decision_no of ~1.4 M parts costs more than the whole no-text query) and no bit lookup per
row. The order is read once per database version (`order by rowid`) and checked once against
a positional join of the table itself; should it not line up, the callers take their other
paths. A text's columns are kept per database version (which covers the index), text and
part kind: 5 bytes a row, 17 MB at full scale.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from common.sqlfiles import render
from queries import fulltext
from queries.binding import index_of, registered
from queries.connection import SQL_DIR, db_path_of, db_version
from queries.derived import FACTS, items_sql
from queries.filters import Filters
from queries.kept import keep, kept
from queries.letter_rows import Part, letter_part
from queries.part_hits import first_of

CACHED = 6  # (database version, text, part kind) entries: a page asks for several kinds
_columns: OrderedDict[tuple[str, str, str, str], pa.Table] = OrderedDict()
_positions: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray] | tuple[()]] = OrderedDict()
_MOST = np.iinfo(np.int16).max  # a part's items, as text_n holds them


@dataclass(frozen=True)
class Counted:
    """Under a text: the other filters (`others`), the part they and the grouping select
    whole, and the positional join (`join`, on the `items` relation before any filter) whose
    columns give each part with a match its first row (`first`), matching items (`n`) and
    overturned matching items (`k`), and each row whether it matches (`hit`: for rows that are
    still regrouped per letter, a pooled group)."""

    others: Filters
    part: Part
    join: str
    n: str = "text_n"
    k: str = "text_k"
    hit: str = "text_hit"

    @property
    def first(self) -> str:
        return f"{self.part.first} and {self.n} > 0"


@contextmanager
def counted(
    con: duckdb.DuckDBPyConnection, f: Filters, others_where: str, *keys: str | None
) -> Iterator[Counted | None]:
    """The columns of `f.text`'s counts per part, registered on `con` for the block, when the
    other filters (WHERE `others_where`) and `keys` select whole parts of a fresh
    decision_facts with a search index; else None (the caller's other paths)."""
    index = index_of(con) if f.text and items_sql(con) == FACTS else None
    others = f.replace(text=None)
    part = letter_part(con, others, others_where, *keys) if index is not None else None
    table = _table(con, index, f.text, part) if part is not None else None
    if table is None:
        yield None
        return
    with registered(con, table) as name:
        yield Counted(others, part, f" positional join {name}")


def _table(con: duckdb.DuckDBPyConnection, index: Path, text: str, part: Part) -> pa.Table | None:
    path = db_path_of(con)
    if path is None:
        return None
    key = (str(path), db_version(path), text, part.name)
    if (got := kept(_columns, key)) is not None:
        return got
    firsts = first_of(con, part)
    positions = _positions_of(con, key[0], key[1])
    if firsts is None or positions is None:
        return None
    table = columns(fulltext.numbers(index, text), firsts, *positions)
    return None if table is None else keep(_columns, key, table, CACHED)


def columns(
    hits: np.ndarray, firsts: np.ndarray, order: np.ndarray, overturned: np.ndarray
) -> pa.Table | None:
    """text_n, text_k, text_hit per row in scan order (`order`: the rows' decision numbers;
    `overturned`: by decision number). Numbers no stored decision has (past `firsts`, or
    `firsts` 0: a replaced letter's dead postings) are dropped. None for a part of more items
    than text_n holds."""
    hits = hits[hits < len(firsts)]
    hits = hits[firsts[hits] > 0]
    part = firsts[hits]
    n = np.bincount(part, minlength=len(firsts))
    if len(n) and n.max() > _MOST:
        return None
    k = np.bincount(part[overturned[hits]], minlength=len(firsts))
    hit = np.zeros(len(firsts), dtype=bool)
    hit[hits] = True
    return pa.table({
        "text_n": fulltext.as_arrow(n[order], pa.int16()),
        "text_k": fulltext.as_arrow(k[order], pa.int16()),
        "text_hit": pa.Array.from_buffers(  # Arrow's booleans: bits, least significant first
            pa.bool_(), len(order), [None, pa.py_buffer(np.packbits(hit[order], bitorder="little"))]
        ),
    })  # fmt: skip


def _positions_of(
    con: duckdb.DuckDBPyConnection, path: str, version: str
) -> tuple[np.ndarray, np.ndarray] | None:
    """(the rows' decision numbers in scan order, overturned by decision number), once per
    database version; None when they do not line up under a positional join."""
    key = (path, version)
    if (got := kept(_positions, key)) is not None:
        return got if got else None
    got = con.sql(render(SQL_DIR, "decision_positions")).fetchnumpy()
    order = np.asarray(got["decision_no"], dtype=np.int64)
    overturned = np.zeros((int(order.max()) if len(order) else 0) + 1, dtype=bool)
    overturned[order] = np.asarray(got["overturned"], dtype=bool)
    check = pa.table({"position_no": fulltext.as_arrow(order)})
    with registered(con, check) as name:
        sql = render(SQL_DIR, "decision_positions_check", positions=name)
        aligned = con.sql(sql).fetchall()[0][0] == 0
    out = (order, overturned) if aligned else ()  # (a misaligned order is kept as `()`)
    return keep(_positions, key, out, 1) or None  # one database version (30 MB at full scale)
