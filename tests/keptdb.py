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
from queries.connection import MEMORY_LIMIT, THREADS

APP_SETTINGS = {"memory_limit": MEMORY_LIMIT, "threads": THREADS}  # as `queries.open_db`


@contextmanager
def kept_open(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = q.open_db(db)
    try:
        yield con
    finally:
        con.close()


def kept(db: Path) -> Iterator[Path]:
    """For a module's read-only database fixture, `yield from kept(build(...))`: the tests'
    own connects (`q.open_db`, `plain`) attach to one instance instead of each creating one
    and reading the catalog again (~20-40 ms each)."""
    with kept_open(db):
        yield db


def plain(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection with the app's settings and nothing else (no macros, none of the
    query layer's code): a test's independent reads, allowed while `db` is kept open."""
    return duckdb.connect(str(db), read_only=True, config=APP_SETTINGS)


def read(db: Path, query: str, params: list | None = None) -> list[tuple]:
    """A test's own read of `db`, with the app's settings (so it may run while kept open)."""
    with q.open_db(db) as con:
        return con.sql(query, params=params).fetchall()
