"""Bind a Filters value to a connection: WHERE text + params, with free text resolved.

When `Filters.text` is set and the database has a search index beside it, the index's matching
decision numbers (cached per index version and text) become one bitstring that each row looks
its `decision_no` up in, so every query honours the text the same way (stemmed words, implicit
AND) without a join. The misses paths (`text_misses`) register the numbers a text in most rows
misses as an Arrow relation instead. Without an index (in-memory or never-indexed databases)
the text falls back to an ILIKE scan.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from queries import fulltext
from queries.connection import db_path_of, db_version, index_path_for
from queries.filters import Filters
from queries.search_index import index_fresh

_names = itertools.count()


_fresh_by_version: dict[tuple[str, str], bool] = {}


def index_of(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The search index beside the database, only while it covers exactly the stored rows.

    A run killed after storing letters but before indexing them leaves the index behind; its
    hits would undercount, so until the next run repairs it the text takes the ILIKE scan
    (slower, never short). Checked once per database version."""
    path = db_path_of(con)
    index = index_path_for(path) if path else None
    if not index or not index.exists():
        return None
    key = (str(path), db_version(path))
    if key not in _fresh_by_version:
        _fresh_by_version.clear()
        _fresh_by_version[key] = index_fresh(con, index)
    return index if _fresh_by_version[key] else None


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, table: pa.Table) -> Iterator[str]:
    name = f"_hits_{next(_names)}"
    con.register(name, table)
    try:
        yield name
    finally:
        con.unregister(name)


@contextmanager
def bound(
    con: duckdb.DuckDBPyConnection, f: Filters, *, prefix: str = ""
) -> Iterator[tuple[str, dict[str, object]]]:
    index = index_of(con) if f.text else None
    if index is None:
        yield f.where(prefix=prefix)
        return
    yield f.where(text_bits=fulltext.bits(index, f.text), prefix=prefix)


@contextmanager
def text_misses(
    con: duckdb.DuckDBPyConnection, f: Filters, *, above: float = fulltext.MISSES_SHARE
) -> Iterator[str | None]:
    """The registered relation (column `rowid`) of the decision numbers `f.text` misses,
    when the index answers the text in that form (a text in more than `above` of the rows);
    else None."""
    index = index_of(con) if f.text else None
    misses = fulltext.misses(index, f.text, above=above) if index is not None else None
    if misses is None:
        yield None
        return
    with registered(con, misses) as name:
        yield name
