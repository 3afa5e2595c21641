"""Guideline agreement: the claims administrator's citation against the IMR reviewer's.

`agreement_table` is the cross-tab (source x source, or MTUS chapter x chapter);
`agreement_rates` the overturn rate when the reviewer relied on the same source, a
different one, or none. "Same / different / none" is a grouping computed in SQL
(sql/agreement_label.sql), not a `Filters` field: filtering on it would need a column in
the `items` relation and its derived table, which other work is reshaping.
"""

from __future__ import annotations

import duckdb
import polars as pl

from queries.binding import bound
from queries.clustered import clustered_rate_by
from queries.filters import FilterError, Filters
from queries.runner import run
from queries.vocab import MIN_N

LEVELS = {
    "source": ("ca_guideline_source", "imr_guideline_source"),
    "chapter": ("ca_mtus_chapter", "imr_mtus_chapter"),
}


def agreement_table(
    con: duckdb.DuckDBPyConnection, f: Filters, level: str = "source", *, min_n: int = MIN_N
) -> pl.DataFrame:
    if level not in LEVELS:
        raise FilterError(f"Unknown level {level!r}; known: {', '.join(LEVELS)}")
    ca, imr = LEVELS[level]
    with bound(con, f) as (where, params):
        return run(con, "guideline_agreement", {**params, "min_n": min_n},
                   where=where, ca=ca, imr=imr)  # fmt: skip


def agreement_rates(
    con: duckdb.DuckDBPyConnection, f: Filters, *, min_n: int = MIN_N
) -> pl.DataFrame:
    """Rate per agreement group (same source / different source / reviewer cited none)."""
    return clustered_rate_by(con, f, "guideline_agreement", min_n=min_n)
