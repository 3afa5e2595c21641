"""How much of the database the taxonomy classifies, and which raw strings it misses.

Rates by category are only as good as this mapping, so its coverage is a first-class
report (`imr coverage`, the app's Data page) rather than a log line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
from rich.console import Console
from rich.table import Table

SQL = Path(__file__).parent / "sql"


@dataclass(frozen=True)
class CoverageReport:
    shares: pl.DataFrame  # field, classified, total, share (NULL when total is 0)
    unclassified: pl.DataFrame  # field, raw, n: the `top` most frequent per field


def coverage(con: duckdb.DuckDBPyConnection, top: int = 20) -> CoverageReport:
    shares = con.sql((SQL / "coverage_shares.sql").read_text()).pl()
    unclassified = con.sql(
        (SQL / "coverage_unclassified.sql").read_text(), params={"top": top}
    ).pl()
    return CoverageReport(shares=shares, unclassified=unclassified)


def print_coverage(report: CoverageReport, console: Console) -> None:
    """The report as two rich tables: shares per field, then the strings to add rules for."""
    shares = Table(title="Taxonomy coverage (rows classified / rows in scope)")
    for column, justify in (("field", "left"), ("classified", "right"), ("total", "right")):
        shares.add_column(column, justify=justify)
    shares.add_column("share", justify="right")
    for row in report.shares.iter_rows(named=True):
        share = "-" if row["share"] is None else f"{row['share']:.1%}"
        shares.add_row(row["field"], f"{row['classified']:,}", f"{row['total']:,}", share)
    console.print(shares)
    if report.unclassified.is_empty():
        console.print("No unclassified strings.")
        return
    missing = Table(title="Most frequent unclassified raw strings")
    missing.add_column("field")
    missing.add_column("n", justify="right")
    missing.add_column("raw text", overflow="fold")
    for row in report.unclassified.iter_rows(named=True):
        missing.add_row(row["field"], f"{row['n']:,}", row["raw"] or "(empty)")
    console.print(missing)
