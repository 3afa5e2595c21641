"""Library results -> rich tables for the terminal (the only module here that draws)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table

from common.numbers import pct
from ingest.pipeline import RunSummary
from queries.coverage import CoverageReport

QUARANTINE_SHOWN = 20


def print_summary(summary: RunSummary, db: Path, console: Console, err: Console) -> None:
    """What an ingest run did: counts, reasons, the first quarantined files."""
    table = Table(title=f"Ingest into {db}", show_header=False)
    table.add_row("files seen", f"{summary.seen:,}")
    table.add_row("letters added", f"[green]{summary.added:,}[/]")
    table.add_row("skipped (already ingested)", f"{summary.skipped:,}")
    table.add_row("duplicates (letter stored once)", f"{summary.duplicates:,}")
    table.add_row(
        "quarantined", f"[red]{len(summary.quarantined):,}[/]" if summary.quarantined else "0"
    )
    for reason, count in summary.reasons.most_common():
        table.add_row(f"  {reason}", f"{count:,}")
    if summary.ignored:
        table.add_row("other files ignored (not .pdf/.txt)", f"{len(summary.ignored):,}")
    table.add_row("seconds", f"{summary.seconds:.1f}")
    console.print(table)
    if summary.quarantined:
        q = Table(title=f"Quarantined (first {QUARANTINE_SHOWN})", show_lines=False)
        q.add_column("file", no_wrap=True, overflow="ellipsis", min_width=16, max_width=36)
        q.add_column("reason", no_wrap=True, min_width=21)
        q.add_column("detail")
        for f in summary.quarantined[:QUARANTINE_SHOWN]:
            q.add_row(Path(f.path).name, f.reason, f.detail)
        console.print(q)
        more = len(summary.quarantined) - QUARANTINE_SHOWN
        if more > 0:
            console.print(f"... and {more} more: see table `quarantine`.")
    if summary.interrupted:
        err.print("[yellow]Interrupted: whole letters were kept; run again to continue.[/]")


LETTER_ITEM_FIELDS = (
    "service",
    "original_request",
    "authorized_portion",
    "service_category",
    "service_subcategory",
    "drug_class",
    "ca_guideline",
    "ca_guideline_source",
    "imr_guideline",
    "imr_guideline_source",
    "imr_mtus_chapter",
    "rationale",
)


def print_letter(row: dict, items: pl.DataFrame, console: Console) -> None:
    """One letter's header fields, clinical summary and items, to check against the PDF."""
    table = Table(show_header=False, title=row["letter_id"])
    for key, value in row.items():
        if key != "clinical_summary":
            table.add_row(key, str(value))
    console.print(table)
    console.print(f"[bold]Clinical summary[/]\n{row.get('clinical_summary') or ''}\n")
    for item in items.iter_rows(named=True):
        colour = "green" if item["outcome"] == "Overturned" else "red"
        console.rule(f"Item {item['item_no']}: [{colour}]{item['outcome']}[/]")
        for key in LETTER_ITEM_FIELDS:
            if item.get(key) is not None:
                console.print(f"[bold]{key}[/]: {item[key]}")


def print_coverage(report: CoverageReport, console: Console) -> None:
    """The report as two rich tables: shares per field, then the strings to add rules for."""
    shares = Table(title="Taxonomy coverage (rows classified / rows in scope)")
    for column, justify in (("field", "left"), ("classified", "right"), ("total", "right")):
        shares.add_column(column, justify=justify)
    shares.add_column("share", justify="right")
    for row in report.shares.iter_rows(named=True):
        share = "-" if row["share"] is None else pct(row["share"])
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


def print_rates(rows: pl.DataFrame, by: str, title: str, console: Console) -> None:
    """`imr stats`: one row per group with its rate, Wilson interval and rank."""
    table = Table(title=title)
    for col in (by, "decisions", "overturned", "rate", "95 % CI", "rank"):
        table.add_column(col, justify="left" if col == by else "right")
    for r in rows.iter_rows(named=True):
        ci = f"{pct(r['ci_low'])} - {pct(r['ci_high'])}"
        rank = "too few" if r["small"] else str(r["rank"])
        table.add_row(str(r[by]), f"{r['decisions']:,}", f"{r['overturned']:,}",
                      pct(r["rate"]), ci, rank)  # fmt: skip
    console.print(table)


def print_renormalized(changed: dict[str, int], db: Path, console: Console) -> None:
    table = Table("columns", "rows changed", title=f"Renormalised {db}")
    for columns, count in changed.items():
        table.add_row(columns, f"{count:,}")
    console.print(table)
