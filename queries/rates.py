"""Rate queries: summary, breakdowns, trends and filter options, each one .sql file."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from queries.binding import bound
from queries.derived import derived_fresh
from queries.filters import FilterError, Filters
from queries.runner import run
from queries.vocab import DIMENSIONS, GRAINS, MIN_N

_STATE_EXPAND = ", unnest(reviewer_states) as reviewer_state"


def _check_dimension(name: str, what: str = "dimension") -> str:
    if name not in DIMENSIONS:
        raise FilterError(f"Unknown {what} {name!r}; known: {', '.join(DIMENSIONS)}")
    return name


def _expand(*dims: str) -> str:
    return _STATE_EXPAND if "reviewer_state" in dims else ""


def _letters(wanted: bool) -> str:
    return "count(distinct letter_no)" if wanted else "null::bigint"


def summary(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    with bound(con, f) as (where, params):
        return run(con, "summary", params, where=where)


def overturn_rate_by(
    con: duckdb.DuckDBPyConnection,
    dimension: str,
    f: Filters,
    *,
    by: str | None = None,
    min_n: int = MIN_N,
    letters: bool = True,
) -> pl.DataFrame:
    """Rate per value of `dimension` (per `by` x `dimension` for a two-way table).

    `letters=False` leaves the distinct-letter count NULL: charts of decisions skip its cost.
    """
    dims = [_check_dimension(dimension)]
    if by is not None:
        dims.append(_check_dimension(by, "by-dimension"))
        if by == dimension:
            raise FilterError(f"by {by!r} must differ from the dimension")
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 0:
        raise FilterError(f"min_n must be a non-negative integer, got {min_n!r}")
    groups = ", ".join(dims)
    partition = "small" + (f", {by}" if by else "")
    order = (f"{by}, " if by else "") + f"decisions desc, {dimension}"
    with bound(con, f) as (where, params):
        return run(
            con, "rate_by", {**params, "min_n": min_n},
            where=where, groups=groups, expand=_expand(*dims), partition=partition, order=order,
            letters=_letters(letters),
        )  # fmt: skip


def data_span(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    row = run(con, "data_span", {}).row(0)
    return row[0], row[1]


def trend(
    con: duckdb.DuckDBPyConnection,
    grain: str,
    f: Filters,
    *,
    by: str | None = None,
    letters: bool = True,
) -> pl.DataFrame:
    """Rate per period; `partial` marks periods the data (and the date filter) cover in part.

    `letters=False` leaves the distinct-letter count NULL (see `overturn_rate_by`).
    """
    if grain not in GRAINS:
        raise FilterError(f"Unknown grain {grain!r}; known: {', '.join(GRAINS)}")
    if by is not None:
        _check_dimension(by, "by-dimension")
    first, last = data_span(con)
    if f.date_from and (first is None or f.date_from > first):
        first = f.date_from
    if f.date_to and (last is None or f.date_to < last):
        last = f.date_to
    with bound(con, f) as (where, params):
        return run(
            con, "trend", {**params, "span_first": first, "span_last": last},
            where=where, grain=grain, by_col=f", {by}" if by else "", by_expand=_expand(by or ""),
            letters=_letters(letters),
        )  # fmt: skip


def filter_options(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Distinct values per categorical filter field (fixed vocabularies are in queries.vocab)."""
    cached = derived_fresh(con)  # a table written after each ingest; else one full scan
    row = run(con, "filter_values" if cached else "filter_options", {}).to_dicts()[0]
    return {key: [v for v in (values or []) if v is not None] for key, values in row.items()}
