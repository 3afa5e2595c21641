"""Grouping keys for the analyses: a dimension, a period, or both, as code-made SQL.

Every key comes from an allow-list (DIMENSIONS, GRAINS, plus the analyses' own
`guideline_agreement`), so the SQL fragments built here never carry user text.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from queries.derived import agreement_label
from queries.filters import FilterError, Filters
from queries.rates import data_span
from queries.vocab import DIMENSIONS, GRAINS

# Groupings the analyses accept: the breakdown dimensions plus derived ones defined in SQL.
DERIVED = {"guideline_agreement": "Guideline source agreement (claims administrator vs IMR)"}
GROUPINGS: dict[str, str] = {**DIMENSIONS, **DERIVED}
AGREEMENT_VALUES = ("Same source", "Different source", "Reviewer cited none")


def check_grouping(name: str, what: str = "dimension") -> str:
    if name not in GROUPINGS:
        raise FilterError(f"Unknown {what} {name!r}; known: {', '.join(GROUPINGS)}")
    return name


def check_grain(grain: str) -> str:
    if grain not in GRAINS:
        raise FilterError(f"Unknown grain {grain!r}; known: {', '.join(GRAINS)}")
    return grain


def key_sql(name: str) -> tuple[str, str]:
    """(SQL expression, FROM-clause expansion) for one grouping over the `items` relation.

    reviewer_state unnests the state list: a letter counts once for each state it lists.
    """
    check_grouping(name)
    if name == "reviewer_state":
        return "reviewer_state", ", unnest(reviewer_states) as reviewer_state"
    if name == "guideline_agreement":
        return agreement_label(), ""
    return name, ""


def period_sql(grain: str) -> str:
    return f"date_trunc('{check_grain(grain)}', decision_date)::date"


def span(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[date | None, date | None]:
    """The dated span a period must lie inside to count as complete (as `rates.trend`)."""
    first, last = data_span(con)
    if f.date_from and (first is None or f.date_from > first):
        first = f.date_from
    if f.date_to and (last is None or f.date_to < last):
        last = f.date_to
    return first, last


_STEP = {"month": "1mo", "quarter": "3mo", "year": "1y"}


def mark_partial(
    df: pl.DataFrame, grain: str, first: date | None, last: date | None
) -> pl.DataFrame:
    """Add `partial`: the period is not covered whole by [first, last] (as `rates.trend`)."""
    step = _STEP[check_grain(grain)]
    if first is None or last is None:
        return df.with_columns(pl.lit(True).alias("partial"))
    end = pl.col("period").dt.offset_by(step).dt.offset_by("-1d")
    return df.with_columns(((pl.col("period") < first) | (end > last)).alias("partial"))
