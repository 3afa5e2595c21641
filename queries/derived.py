"""Derived tables written after each ingest: the pre-joined `decision_facts` and the cached
`filter_values`, so a query at 3 M decisions scans one sorted table instead of joining.

They are a cache, never the truth: `items_sql` uses them only while `derived_state` still
matches the base tables (letter and decision counts, newest `ingested_at`); otherwise, and
for the no-index text fallback (which needs the rationale), queries run on the join.
"""

from __future__ import annotations

import duckdb

from common.sqlfiles import render
from queries.connection import SQL_DIR, db_path_of, db_version, install_macros

FACTS = "select * from decision_facts"
_fresh_cache: dict[str, tuple[str, bool]] = {}  # db path -> (db_version, fresh)


def refresh_derived(con: duckdb.DuckDBPyConnection) -> str:
    """(Re)build the derived tables in one transaction on a writable connection."""
    install_macros(con)
    con.execute("set enable_progress_bar = false")  # ingest draws its own progress
    con.execute("begin transaction")
    try:
        con.execute(render(SQL_DIR, "derived_facts", items=render(SQL_DIR, "items")))
        options = render(SQL_DIR, "filter_options", items=FACTS)
        con.execute(render(SQL_DIR, "derived_filter_values", filter_options=options))
        con.execute(render(SQL_DIR, "derived_state"))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    _fresh_cache.clear()
    rows = con.sql("select count(*) from decision_facts").fetchall()[0][0]
    return f"{rows:,} decision_facts rows"


def derived_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the derived tables match the base tables (cached per database file version)."""
    path = db_path_of(con)
    version = db_version(path) if path else None
    if path and (hit := _fresh_cache.get(str(path))) and hit[0] == version:
        return hit[1]
    present = con.sql(render(SQL_DIR, "derived_present")).fetchall()[0][0]
    fresh = present == 3 and bool(con.sql(render(SQL_DIR, "derived_fresh")).fetchall()[0][0])
    if path:
        _fresh_cache[str(path)] = (version, fresh)
    return fresh


def items_sql(con: duckdb.DuckDBPyConnection, *, needs_rationale: bool = False) -> str:
    """The SQL of the `items` relation: the derived table when fresh, else the join."""
    if not needs_rationale and derived_fresh(con):
        return FACTS
    return render(SQL_DIR, "items")
