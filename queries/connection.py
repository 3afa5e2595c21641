"""Connections to the database file and the names of the files beside it.

Readers open short-lived read-only connections (an open reader blocks `imr ingest`), wait
briefly while a writer holds the file, and get the SQL macros installed. This module imports
nothing of the package, so every other module can use it without an import cycle.
"""

from __future__ import annotations

import os
import time
import weakref
from pathlib import Path

import duckdb

from common.dblock import is_lock_conflict
from common.sqlfiles import render

SQL_DIR = Path(__file__).with_name("sql")
SQLITE_SQL_DIR = SQL_DIR / "sqlite"  # the full-text index's own SQL (SQLite, not DuckDB)
MEMORY_LIMIT = "2GB"
THREADS = 2
LOCK_RETRY_SECONDS = 5.0
LOCK_RETRY_STEP = 0.2

# Temporary macros live per connection *and* per cursor, so a `.cursor()` starts without
# them. Connections (and cursors) that have them are remembered here; the runner installs
# them on any other connection before its first query.
_with_macros: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()
# The file behind each connection (or cursor), asked once: nothing here runs ATTACH or USE, so
# it never changes, and every query asks it (derived_fresh, the index beside the file).
_paths: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, Path | None] = (
    weakref.WeakKeyDictionary()
)


class DatabaseLocked(duckdb.IOException):
    """A writer (an `imr ingest` run) held the database file for longer than readers wait."""


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Install the SQL macros (Wilson interval, age band) on `con` unless it has them."""
    if con in _with_macros:
        return
    con.sql(render(SQL_DIR, "macros"))
    _with_macros.add(con)


def open_db(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Read-only connection with bounded memory and the macros; waits a few s for a writer."""
    deadline = time.monotonic() + LOCK_RETRY_SECONDS
    config = {"memory_limit": MEMORY_LIMIT, "threads": THREADS}
    while True:
        try:
            con = duckdb.connect(str(path), read_only=True, config=config)
            break
        except duckdb.Error as exc:  # a lock, or the file open here otherwise
            if not is_lock_conflict(exc):
                raise
            if time.monotonic() > deadline:
                raise DatabaseLocked(str(exc)) from exc
            time.sleep(LOCK_RETRY_STEP)
    install_macros(con)
    return con


def db_path_of(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The database file behind `con` (None in memory); one query per connection, then
    remembered (it was ~15 % of the CPU of a small page's queries)."""
    if con in _paths:
        return _paths[con]
    rows = con.sql(render(SQL_DIR, "database_path")).fetchall()
    _paths[con] = path = Path(rows[0][0]) if rows and rows[0][0] else None
    return path


def index_path_for(db_path: str | Path) -> Path:
    """The full-text index beside the database: imr.duckdb -> imr.search.sqlite."""
    return Path(db_path).with_suffix(".search.sqlite")


def db_version(path: str | Path) -> str:
    """Cheap cache key: size and mtime of the database, its WAL and its search index."""
    parts = []
    for p in (str(path), f"{path}.wal", str(index_path_for(path))):  # os.stat: every query asks
        try:
            st = os.stat(p)
        except OSError:
            parts.append("-")
        else:
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
    return "/".join(parts)
