"""Cached query calls: every number the app shows comes from `queries/` through here.

`cached(fn)` turns a query `fn(con, ...)` into `fn(...)` on the app's database, so pages call
the real, typed functions (`data.summary(f)`) and go-to-definition leads to the query.
Results are cached per (function, database path, database version, arguments), so a finished
`imr ingest` changes the version and the next rerun shows fresh data. Connections are opened
per call and closed at once: a connection held across reruns would lock out the ingest writer.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from contextlib import closing
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

import duckdb
import streamlit as st

import queries
from common.paths import DEFAULT_DB
from queries.coverage import coverage as _coverage

P = ParamSpec("P")
R = TypeVar("R")
Query = Callable[Concatenate[duckdb.DuckDBPyConnection, P], R]
_QUERIES: dict[str, Callable[..., Any]] = {}  # qualified name -> query, for the cache below


class DatabaseBusy(RuntimeError):
    """The database stayed locked by a writer (an ingest run) for longer than we wait."""


class NoDatabase(FileNotFoundError):
    """There is no database file yet: nothing has been ingested."""


def db_path() -> str:
    return os.environ.get("IMR_DB", str(DEFAULT_DB))


def version() -> str:
    path = db_path()
    if not os.path.exists(path):
        raise NoDatabase(path)
    return queries.db_version(path)


def _run(fn: Callable[..., R], path: str, args: tuple, kwargs: dict) -> R:
    try:
        with closing(queries.open_db(path)) as con:  # open_db itself waits a few s for a writer
            return fn(con, *args, **kwargs)
    except queries.DatabaseLocked as exc:
        raise DatabaseBusy(str(exc)) from exc


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(name: str, path: str, db_version: str, args: tuple, kwargs: tuple) -> Any:
    return _run(_QUERIES[name], path, args, dict(kwargs))


def _without_con(call: Callable[P, R], fn: Callable[..., Any]) -> Callable[P, R]:
    """`call` signed as `fn` without its connection (what help() and the IDE show)."""
    signature = inspect.signature(fn)
    rest = list(signature.parameters.values())[1:]
    call.__signature__ = signature.replace(parameters=rest)  # type: ignore[attr-defined]
    return call


def cached(fn: Query[P, R]) -> Callable[P, R]:
    """`fn(con, *args, **kwargs)` as `fn(*args, **kwargs)` on the app's database, cached."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    _QUERIES[name] = fn

    @wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return _cached(name, db_path(), version(), args, tuple(sorted(kwargs.items())))

    return _without_con(call, fn)


def fresh(fn: Query[P, R]) -> Callable[P, R]:
    """`fn` on the app's database without caching: for file exports, which can be large and
    are asked for once (a cached 1 GB CSV would sit in the server's memory)."""

    @wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        version()  # the same clear message when there is no database
        return _run(fn, db_path(), args, kwargs)

    return _without_con(call, fn)


summary = cached(queries.summary)
data_span = cached(queries.data_span)
overturn_rate_by = cached(queries.overturn_rate_by)
trend = cached(queries.trend)
filter_options = cached(queries.filter_options)
compare = cached(queries.compare)
decisions = cached(queries.decisions)
decision_count = cached(queries.decision_count)
search = cached(queries.search)
search_count = cached(queries.search_count)
letter = cached(queries.letter)
quarantined = cached(queries.quarantined)
parser_versions = cached(queries.parser_versions)
export_manifest = cached(queries.export_manifest)
coverage = cached(_coverage)  # classification coverage of the taxonomy
agreement = cached(queries.agreement)  # our parse against DWC's coding (dwc_search)
export_bytes = fresh(queries.export_bytes)

# The analyses (issue 14): timeliness, mix, trend by group, guidelines, fair comparison, cases.
clustered_rate_by = cached(queries.clustered_rate_by)
timeliness = cached(queries.timeliness)
mix = cached(queries.mix)
opioid_share = cached(queries.opioid_share)
group_trend = cached(queries.group_trend)
agreement_table = cached(queries.agreement_table)
agreement_rates = cached(queries.agreement_rates)
standardised = cached(queries.standardised)
case_outcomes = cached(queries.case_outcomes)
items_per_letter = cached(queries.items_per_letter)
partly_vs_denied = cached(queries.partly_vs_denied)
