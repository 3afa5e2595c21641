"""`imr fetch` and `imr agreement`: typer-annotated functions that imr/cli.py registers.

The bodies parse options, draw progress and print summaries; the walk is fetch/run.py, the
figures are queries/agreement.py. This application layer is what wires them together: fetch
hands every batch of new letters to `ingest_and_refresh`, the same step as `imr ingest`, so
the query layer's caches follow each batch.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from common.numbers import pct
from common.paths import DEFAULT_DB
from fetch.client import PoliteClient, Politeness
from fetch.form import DEFAULT_BASE_URL, FIRST_DECISIONS
from fetch.run import FetchPlan, FetchSummary, IngestReport, run_fetch
from imr.failures import fail
from imr.ingest_run import ingest_and_refresh
from queries.agreement import Agreement, agreement
from queries.connection import open_db

DEFAULT_OUT = Path("data/letters")
LIVE_SITE_MAX_RATE = 2.0  # requests per second; the live site is a state agency's server

console = Console()
err = Console(stderr=True)


def fetch_command(
    start: Annotated[
        str | None,
        typer.Option("--from", help="First decision date, YYYY-MM-DD (default 2013-01-01)."),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last decision date (default today).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the PDFs (YYYY/MM/).")] = (
        DEFAULT_OUT
    ),
    db: Annotated[Path, typer.Option("--db", help="DuckDB database file.")] = DEFAULT_DB,
    rate: Annotated[float, typer.Option(help="Requests per second, at most.")] = 1.0,
    max_letters: Annotated[
        int | None, typer.Option("--max", help="Stop after downloading this many letters.")
    ] = None,
    no_ingest: Annotated[
        bool, typer.Option("--no-ingest", help="Only download; ingest the folder later.")
    ] = False,
    base_url: Annotated[
        str, typer.Option("--base-url", help="Site to ask (a local replica for tests).")
    ] = DEFAULT_BASE_URL,
    window_days: Annotated[
        int, typer.Option("--window-days", help="Decision days per search window.")
    ] = 7,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Download IMR letters from DWC's public decision search, record DWC's own coding in
    table `dwc_search`, and ingest the letters as they arrive. Resumable: run it again to
    continue; no letter is downloaded twice. One request at a time, paced by --rate.

    Exit codes:
    0 done; 1 some letters missing on the site, or quarantined by ingest;
    2 usage error; 6 the site did not answer as documented (changed page,
    captcha, repeated HTTP errors): what was fetched so far is kept; 130 interrupted.
    """
    first, last = _date(start, FIRST_DECISIONS, "--from"), _date(end, date.today(), "--to")
    _check_options(first, last, rate, max_letters, window_days, base_url)
    plan = FetchPlan(first, last, out.resolve(), db, window_days, max_letters)
    ingest = None if no_ingest else ingest_into(db)
    with (
        _Progress(quiet) as reporter,
        PoliteClient(base_url, Politeness(rate=rate), on_wait=reporter.waiting) as client,
    ):
        summary = run_fetch(client, plan, ingest_files=ingest, reporter=reporter)
    _print_summary(summary, plan, base_url, no_ingest)
    if summary.stopped:
        fail(
            f"the site did not answer as documented: {summary.stopped}. Everything fetched "
            "so far is kept; run again to continue.",
            summary.exit_code,
        )
    raise typer.Exit(summary.exit_code)


def agreement_command(
    db: Annotated[Path, typer.Option("--db", help="DuckDB database file.")] = DEFAULT_DB,
    show: Annotated[int, typer.Option(help="Disagreements to list.")] = 30,
) -> None:
    """How often our parse agrees with DWC's own coding (table `dwc_search`, written by
    `imr fetch`): per field, the category confusion table, the disagreeing cases.
    Exit 0; 2: no database, or no DWC rows to compare."""
    if not db.exists():
        fail(f"no database at {db} (run `imr fetch` first, or pass --db)")
    con = open_db(db)
    try:
        result = agreement(con)
    finally:
        con.close()
    if result.empty:
        fail(f"no DWC search rows matching parsed letters in {db}: run `imr fetch` first")
    _print_agreement(result, show)


# --- fetch helpers ----------------------------------------------------------------------------


def _date(value: str | None, default: date, option: str) -> date:
    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} expects a date as YYYY-MM-DD, got {value!r}")


def _check_options(first, last, rate, max_letters, window_days, base_url) -> None:
    if first > last:
        fail(f"--from {first} is after --to {last}")
    if not base_url.startswith(("http://", "https://")):
        fail(f"--base-url must start with http:// or https://, got {base_url!r}")
    if rate <= 0:
        fail("--rate must be above 0")
    if base_url.rstrip("/") == DEFAULT_BASE_URL and rate > LIVE_SITE_MAX_RATE:
        fail(f"--rate above {LIVE_SITE_MAX_RATE:g} is refused against {DEFAULT_BASE_URL}")
    if max_letters is not None and max_letters < 1:
        fail("--max must be at least 1")
    if window_days < 1:
        fail("--window-days must be at least 1")


def ingest_into(db: Path):
    """The injected ingest step: new files go through the application layer's ingest, which
    also refreshes the query layer's derived tables and search index."""

    def ingest_files(paths: list[Path]) -> IngestReport:
        summary = ingest_and_refresh(paths, db)
        return IngestReport(added=summary.added, quarantined=len(summary.quarantined))

    return ingest_files


class _Progress:
    """rich progress for the walk: windows, and the letters of the current window."""

    def __init__(self, quiet: bool) -> None:
        self.bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"), console=err, disable=quiet, transient=True,
        )  # fmt: skip
        self.window_task = self.bar.add_task("Windows", total=None, note="")
        self.letter_task = self.bar.add_task("Letters", total=None, note="")

    def __enter__(self) -> _Progress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)

    def window(self, index: int, total: int, start: date, end: date) -> None:
        self.bar.update(self.window_task, completed=index, total=total, note=f"{start} - {end}")

    def letters(self, done: int, total: int) -> None:
        self.bar.update(self.letter_task, completed=done, total=total, note="")

    def note(self, message: str) -> None:
        self.bar.console.print(f"[yellow]{message}[/]")

    def waiting(self, seconds: float, why: str) -> None:
        self.bar.update(self.letter_task, note=f"[yellow]{why}[/]")


def _print_summary(summary: FetchSummary, plan: FetchPlan, base_url: str, no_ingest: bool) -> None:
    table = Table(title=f"Fetch from {base_url}", show_header=False)
    table.add_row("decision dates", f"{plan.start} to {plan.end}")
    table.add_row(
        "windows",
        f"{summary.windows:,} ({summary.windows_searched:,} searched now, "
        f"{summary.windows_already:,} already searched)",
    )
    table.add_row("result pages read", f"{summary.result_pages:,}")
    table.add_row("DWC rows saved", f"{summary.rows:,} treatments of {summary.cases:,} cases")
    table.add_row("letters fetched", f"[green]{summary.fetched:,}[/]")
    table.add_row("letters already had", f"{summary.already_had:,}")
    failed = len(summary.failed)
    table.add_row("letters failed", f"[red]{failed:,}[/]" if failed else "0")
    for case_number, why in summary.failed[:10]:
        table.add_row(f"  {case_number}", why)
    if no_ingest:
        table.add_row("ingest", f"skipped (--no-ingest): run `imr ingest {plan.out}`")
    else:
        table.add_row("ingested: letters added", f"{summary.ingest_added:,}")
        q = summary.ingest_quarantined
        table.add_row("ingested: quarantined", f"[red]{q:,}[/]" if q else "0")
    table.add_row("letters folder", str(plan.out))
    table.add_row("seconds", f"{summary.seconds:.1f}")
    console.print(table)
    if summary.reached_max:
        console.print(f"Stopped at --max {plan.max_letters}: run again to continue.")
    if summary.interrupted:
        err.print("[yellow]Interrupted: what was fetched is kept; run again to continue.[/]")


# --- agreement helpers ------------------------------------------------------------------------


def _print_agreement(result: Agreement, show: int) -> None:
    c = result.coverage
    console.print(
        f"DWC lists {c['dwc_cases']:,} cases ({c['dwc_items']:,} treatments); "
        f"{c['parsed_cases']:,} are parsed letters, {c['matched_items']:,} items matched "
        "by position."
    )
    table = Table("field", "agree", "of", "agreement", "95 % CI", title="Agreement with DWC")
    for row in result.fields.iter_rows(named=True):
        table.add_row(
            row["field"],
            f"{row['agree']:,}",
            f"{row['compared']:,} {row['unit']}",
            pct(row["agreement"]),
            f"{pct(row['ci_low'])} - {pct(row['ci_high'])}",
        )
    console.print(table)
    confusion = Table("DWC category", "our category", "items", title="Service categories")
    for row in result.confusion.iter_rows(named=True):
        style = "" if row["dwc_category"] == row["our_category"] else "yellow"
        confusion.add_row(row["dwc_category"], row["our_category"], f"{row['items']:,}",
                          style=style)  # fmt: skip
    console.print(confusion)
    rows = result.disagreements
    listing = Table("case", "item", "field", "DWC", "ours", title="Disagreements")
    for row in rows.head(show).iter_rows(named=True):
        item = "" if row["item_position"] is None else str(row["item_position"])
        listing.add_row(row["case_number"], item, row["field"], str(row["dwc"]), str(row["ours"]))
    console.print(listing)
    if rows.height > show:
        console.print(f"... and {rows.height - show:,} more (--show N).")
