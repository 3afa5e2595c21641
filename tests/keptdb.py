"""One read-only connection held open on an app test's database while the app runs on it.

The app opens and closes a connection per query (ui/data.py). In a process with no other
connection to the file, each of those connects creates a DuckDB database instance (~20 ms of
registering the built-in functions; ~675 of them in a `make test` run). While this connection
is open, the app's connects attach to its instance instead (~0.1 ms). The app's code runs
unchanged: it still opens and closes its own connection per query through `queries.open_db`,
whose settings this connection shares (DuckDB refuses a differently configured second one).
Only for a database no test writes while it is held: a writer in this process would be
refused, one in another process would wait for the lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

import queries as q


@contextmanager
def kept_open(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = q.open_db(db)
    try:
        yield con
    finally:
        con.close()


def read(db: Path, query: str, params: list | None = None) -> list[tuple]:
    """A test's own read of `db`, with the app's settings (so it may run while kept open)."""
    with q.open_db(db) as con:
        return con.sql(query, params=params).fetchall()
