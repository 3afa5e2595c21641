"""The rows a text in most rows misses: what the analyses subtract instead of re-scanning.

A word in 98 % of the rows (`binding.text_misses`) leaves a few tens of thousands of rows out.
Counts and O/E sums are additive, so an analysis under such a text is its answer over the other
filters (the fast whole-letter or per-part paths, see queries/letter_rows.py) less the answer
over the missed rows: standardisation (every missed row counts -1 in its cell) and the
letter-clustered intervals (clustered_miss_counts.sql corrects the (group, letter) pairs that
hold missed rows). Case outcomes, items per letter and timeliness need only whether a part has
a match, at any share of rows: queries/part_hits.py.

Fetching the missed rows is a semi-join over every row (~50 ms at full scale); a page asks
several analyses under the same text, so they are kept per database version, index version
and text (a few MB at 98 %, ~10^6 rows for a text in 75 % of the rows), as the index keeps
its match sets.
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

CACHED = 4
_cache: OrderedDict[tuple, pa.Table] = OrderedDict()
_lock = threading.Lock()  # the app's sessions share the process


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
