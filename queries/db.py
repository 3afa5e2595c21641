"""Connections and the runner: load a .sql file, fill in code-made fragments, bind, run.

Readers open short-lived read-only connections (an open reader blocks `imr ingest`), retry
briefly while a writer holds the file, and get the SQL macros installed per connection.
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

SQL_DIR = Path(__file__).with_name("sql")
MEMORY_LIMIT = "2GB"
THREADS = 2
LOCK_RETRY_SECONDS = 5.0


@cache
def load_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text("utf-8")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.sql(load_sql("macros"))


def open_db(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Read-only connection with bounded memory; waits up to a few seconds for a writer."""
    deadline = time.monotonic() + LOCK_RETRY_SECONDS
    config = {"memory_limit": MEMORY_LIMIT, "threads": THREADS}
    while True:
        try:
            con = duckdb.connect(str(path), read_only=True, config=config)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    install_macros(con)
    return con


def db_path_of(con: duckdb.DuckDBPyConnection) -> Path | None:
    rows = con.sql(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None


def db_version(path: str | Path) -> str:
    """Cheap cache key: size and mtime of the database, its WAL and its search index."""
    from queries.search_index import index_path_for

    path = Path(path)
    parts = []
    for p in (path, Path(f"{path}.wal"), index_path_for(path)):
        st = p.stat() if p.exists() else None
        parts.append(f"{st.st_size}:{st.st_mtime_ns}" if st else "-")
    return "/".join(parts)


def render(name: str, items: str | None = None, **fragments: str) -> str:
    """The SQL of `name` with `{items}` (default: the join) and code-made `{fragments}`."""
    text = load_sql(name).replace("{items}", items or load_sql("items"))
    for key, value in fragments.items():
        text = text.replace("{" + key + "}", value)
    return text


def relation(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object], **fragments: str
) -> duckdb.DuckDBPyRelation:
    from queries.derived import items_sql  # derived imports this module

    items = items_sql(con, needs_rationale="rationale" in fragments.get("where", ""))
    sql = render(name, items, **fragments)
    try:
        return con.sql(sql, params=params or None)
    except duckdb.CatalogException as exc:
        if "wilson" not in str(exc) and "age_band" not in str(exc):
            raise
        install_macros(con)  # a .cursor() of the opened connection lacks the temp macros
        return con.sql(sql, params=params or None)


def run(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object], **fragments: str
) -> pl.DataFrame:
    return relation(con, name, params, **fragments).pl()
