"""The rows a text in most rows misses: what the analyses subtract instead of re-scanning.

A word in 98 % of the rows (`binding.text_misses`) leaves a few tens of thousands of rows out.
Counts, histograms of integer days and O/E sums are additive, so an analysis under such a text
is its answer over the other filters (the fast whole-letter or per-part paths, see
queries/letter_rows.py) less the answer over what the text takes away: the missed rows
themselves for per-decision counts, or, for per-letter counts, the parts of letters whose
every selected item is missed (sql/missed_parts.sql). Regrouping ~3.3 M matching rows per
letter (0.5-1 s at full scale) becomes one pass over the other filters' rows.

Fetching the missed rows is a semi-join over every row (~50 ms at full scale); a page asks
several analyses under the same text, so they are kept per database version, index version
and text (a few MB), as the index keeps its match sets.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from common.sqlfiles import render
from queries.binding import index_of, registered, text_misses
from queries.connection import SQL_DIR, db_path_of, db_version
from queries.derived import FACTS, items_sql
from queries.filters import Filters
from queries.letter_rows import Part, letter_part

CACHED = 4
_cache: OrderedDict[tuple, pa.Table] = OrderedDict()
_lock = threading.Lock()  # the app's sessions share the process
# The columns a letter part is cut by, beside the letter (PART_FIELDS in letter_rows.py; the
# agreement label is decision_facts' stored column).
_PART_COLUMNS = {
    "letter": (), "category": ("service_category",), "partly": ("partly_authorized",),
    "agreement": ("guideline_agreement",),
    "category_partly": ("service_category", "partly_authorized"),
    "category_agreement": ("service_category", "guideline_agreement"),
}  # fmt: skip


@dataclass(frozen=True)
class Missed:
    """The other filters (`f` without its text) and the registered relation of the rows of
    decision_facts the text misses (`rows`, every column)."""

    others: Filters
    rows: str


def _key(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple | None:
    path, index = db_path_of(con), index_of(con)
    if path is None or index is None:
        return None
    st = index.stat()
    return str(path), db_version(path), str(index), st.st_size, st.st_mtime_ns, f.text


def _fetch(con: duckdb.DuckDBPyConnection, f: Filters) -> pa.Table | None:
    key = _key(con, f)
    with _lock:
        if key is not None and key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    with text_misses(con, f) as misses:
        if misses is None:
            return None
        table = con.sql(render(SQL_DIR, "missed_rows", misses=misses)).to_arrow_table()
    if key is not None:
        with _lock:
            _cache[key] = table
            while len(_cache) > CACHED:
                _cache.popitem(last=False)
    return table


@contextmanager
def missed(con: duckdb.DuckDBPyConnection, f: Filters) -> Iterator[Missed | None]:
    """The rows `f.text` misses, registered on `con` for the block, when the text matches
    most rows and decision_facts is fresh; else None (the general path)."""
    if not f.text or items_sql(con) != FACTS:
        yield None
        return
    table = _fetch(con, f)
    if table is None:
        yield None
        return
    with registered(con, table) as name:
        yield Missed(f.replace(text=None), name)


def gone_parts(
    con: duckdb.DuckDBPyConnection, m: Missed, where: str, *keys: str | None
) -> tuple[Part, str] | None:
    """(The part the other filters and `keys` select whole, a subquery of the first rows of
    those parts that the text misses entirely), or None when no part is selected whole.
    `where`: the other filters' WHERE."""
    part = letter_part(con, m.others, where, *keys)
    if part is None:
        return None
    key = "{" + ", ".join(f"'{c}': {c}" for c in ("letter_no", *_PART_COLUMNS[part.name])) + "}"
    sql = render(SQL_DIR, "missed_parts", missed=m.rows, where=where, part_key=key,
                 first=part.first, part_items=part.items)  # fmt: skip
    return part, f"({sql})"
