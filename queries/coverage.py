"""How much of the database the taxonomy classifies, and which raw strings it misses.

Rates by category are only as good as this mapping, so its coverage is a first-class
report (`imr coverage`, the app's Data page) rather than a log line. It reads the public
schema only, so it lives with the other queries; `imr/` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from common.sqlfiles import render
from queries.connection import SQL_DIR


@dataclass(frozen=True)
class CoverageReport:
    shares: pl.DataFrame  # field, classified, total, share (NULL when total is 0)
    unclassified: pl.DataFrame  # field, raw, n: the `top` most frequent per field


def coverage(con: duckdb.DuckDBPyConnection, top: int = 20) -> CoverageReport:
    shares = con.sql(render(SQL_DIR, "coverage_shares")).pl()
    unclassified = con.sql(render(SQL_DIR, "coverage_unclassified"), params={"top": top}).pl()
    return CoverageReport(shares=shares, unclassified=unclassified)
