"""Cached query calls: every number the app shows comes from `queries/` through here.

Results are cached per (database path, database version, arguments), so a finished
`imr ingest` changes the version and the next rerun shows fresh data. Connections are opened
per call and closed at once: a connection held across reruns would lock out the ingest writer.
"""

from __future__ import annotations

import os
from contextlib import closing
from typing import Any

import duckdb
import streamlit as st

import queries

DEFAULT_DB = "data/imr.duckdb"


class DatabaseBusy(RuntimeError):
    """The database stayed locked by a writer (an ingest run) for longer than we wait."""


class NoDatabase(FileNotFoundError):
    """There is no database file yet: nothing has been ingested."""


def db_path() -> str:
    return os.environ.get("IMR_DB", DEFAULT_DB)


def version() -> str:
    path = db_path()
    if not os.path.exists(path):
        raise NoDatabase(path)
    return queries.db_version(path)


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(name: str, path: str, db_version: str, args: tuple, kwargs: tuple) -> Any:
    return _run(name, path, args, dict(kwargs))


def _run(name: str, path: str, args: tuple, kwargs: dict) -> Any:
    fn = getattr(queries, name)
    try:
        with closing(queries.open_db(path)) as con:  # open_db itself waits a few s for a writer
            return fn(con, *args, **kwargs)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusy(str(exc)) from exc
        raise


def fresh(name: str, *args: Any, **kwargs: Any) -> Any:
    """Run `queries.<name>` without caching: for file exports, which can be large and are
    asked for once (a cached 1 GB CSV would sit in the server's memory)."""
    version()  # the same clear message when there is no database
    return _run(name, db_path(), args, kwargs)


def call(name: str, *args: Any, **kwargs: Any) -> Any:
    """Run `queries.<name>(con, *args, **kwargs)` through the cache."""
    return _cached(name, db_path(), version(), args, tuple(sorted(kwargs.items())))


def coverage() -> Any:
    """Classification coverage from the ingest side (cached like the queries)."""
    return _cached_coverage(db_path(), version())


@st.cache_data(max_entries=8, show_spinner=False)
def _cached_coverage(path: str, db_version: str) -> Any:
    from queries.coverage import coverage as compute

    with closing(queries.open_db(path)) as con:
        return compute(con)
