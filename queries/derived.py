"""Derived tables written after each ingest: the pre-joined `decision_facts` and the cached
`filter_values`, so a query at 3 M decisions scans one sorted table instead of joining.

They are a cache, never the truth: `derived_state` keeps the fingerprint of the base tables
they were built from (row counts and a content hash of every column they copy), and
`items_sql` uses them only while the base tables still have that fingerprint. A hand
`update decisions set ...` changes it, so queries fall back to the join (always correct)
until the next `imr ingest` (or `refresh_derived`) rebuilds the cache. The fingerprint is one
scan of each base table, computed once per database file version (size and mtime of the file
and its WAL) and remembered per process.
"""

from __future__ import annotations

import duckdb

from common.sqlfiles import render
from queries.connection import SQL_DIR, db_path_of, db_version, install_macros

FACTS = "select * from decision_facts"
_fresh_cache: dict[str, tuple[str, bool]] = {}  # db path -> (db_version, fresh)


def fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Counts and content hashes of the base-table columns the derived tables copy."""
    rel = con.sql(render(SQL_DIR, "derived_fingerprint"))
    return dict(zip(rel.columns, rel.fetchall()[0], strict=True))


def refresh_derived(con: duckdb.DuckDBPyConnection) -> str:
    """(Re)build the derived tables in one transaction on a writable connection."""
    install_macros(con)
    con.execute("set enable_progress_bar = false")  # ingest draws its own progress
    con.execute("begin transaction")
    try:
        con.execute(render(SQL_DIR, "derived_facts", items=render(SQL_DIR, "items")))
        options = render(SQL_DIR, "filter_options", items=FACTS)
        con.execute(render(SQL_DIR, "derived_filter_values", filter_options=options))
        fp = render(SQL_DIR, "derived_fingerprint")
        con.execute(render(SQL_DIR, "derived_state", fingerprint=fp))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    _fresh_cache.clear()
    rows = con.sql("select count(*) from decision_facts").fetchall()[0][0]
    return f"{rows:,} decision_facts rows"


def derived_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the derived tables were built from exactly the current base tables' content.

    Cached per database file version, so the fingerprint's scan runs once per change.
    """
    path = db_path_of(con)
    version = db_version(path) if path else None
    if path and (hit := _fresh_cache.get(str(path))) and hit[0] == version:
        return hit[1]
    fresh = _matches(con)
    if path:
        _fresh_cache[str(path)] = (version, fresh)
    return fresh


def _matches(con: duckdb.DuckDBPyConnection) -> bool:
    present = con.sql(render(SQL_DIR, "derived_present")).fetchall()[0][0]
    if present != 3:
        return False
    rel = con.sql(render(SQL_DIR, "derived_read_state"))
    rows = rel.fetchall()
    if len(rows) != 1:
        return False
    built = dict(zip(rel.columns, rows[0], strict=True))
    return built == fingerprint(con)  # an older state table lacks the hashes: not fresh


def items_sql(con: duckdb.DuckDBPyConnection, *, needs_rationale: bool = False) -> str:
    """The SQL of the `items` relation: the derived table when fresh, else the join."""
    if not needs_rationale and derived_fresh(con):
        return FACTS
    return render(SQL_DIR, "items")
