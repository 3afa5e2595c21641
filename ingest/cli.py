"""The `imr` command line: thin wrappers that turn library results into tables and exit codes."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from ingest.extract import DEFAULT_EXTRACTOR, EXTRACTORS
from ingest.pipeline import RunSummary, ingest_paths

DEFAULT_DB = Path("data/imr.duckdb")
DbOption = Annotated[Path, typer.Option("--db", help="DuckDB database file.")]

app = typer.Typer(
    help="IMR outcomes: ingest determination letters, query overturn rates, run the app.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Letter files (.pdf, .txt) or folders.")],
    db: DbOption = DEFAULT_DB,
    workers: Annotated[int, typer.Option(help="Parser processes (default: all cores).")] = 0,
    extractor: Annotated[
        str, typer.Option(help=f"PDF text backend: {', '.join(EXTRACTORS)}.")
    ] = DEFAULT_EXTRACTOR,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Ingest letters. Exit 0: all added or skipped; 1: something quarantined; 2: usage error."""
    if extractor not in EXTRACTORS:
        _usage_error(f"unknown extractor {extractor!r}; choose one of {', '.join(EXTRACTORS)}")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        _usage_error(f"no such file or folder: {', '.join(missing)}")
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("Ingesting", total=None)
        summary = ingest_paths(
            paths,
            db,
            workers=workers or None,
            extractor=extractor,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    print_summary(summary, db)
    raise typer.Exit(summary.exit_code)


def print_summary(summary: RunSummary, db: Path) -> None:
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
        q = Table(title="Quarantined (first 20)", show_lines=False)
        q.add_column("file", no_wrap=True, overflow="ellipsis", min_width=16, max_width=36)
        q.add_column("reason", no_wrap=True, min_width=21)
        q.add_column("detail")
        for f in summary.quarantined[:20]:
            q.add_row(Path(f.path).name, f.reason, f.detail)
        console.print(q)
        if len(summary.quarantined) > 20:
            console.print(f"... and {len(summary.quarantined) - 20} more: see table `quarantine`.")
    if summary.interrupted:
        err.print("[yellow]Interrupted: whole letters were kept; run again to continue.[/]")


@app.command()
def show(
    case: Annotated[str, typer.Argument(help="Case number (CM16-0213037) or letter_id.")],
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print one letter with its items, to check a parse against the PDF."""
    from queries import letter, open_db

    _require_db(db)
    con = open_db(db)
    try:
        head, items = letter(con, case)
    finally:
        con.close()
    if head.is_empty():
        err.print(f"[red]No letter {case!r} in {db}.[/]")
        raise typer.Exit(1)
    row = head.drop("raw_text").row(0, named=True)
    if as_json:
        out = {**row, "items": items.to_dicts()}
        console.print_json(json.dumps(out, default=str))
        return
    table = Table(show_header=False, title=row["letter_id"])
    for key, value in row.items():
        if key != "clinical_summary":
            table.add_row(key, str(value))
    console.print(table)
    console.print(f"[bold]Clinical summary[/]\n{row.get('clinical_summary') or ''}\n")
    for item in items.iter_rows(named=True):
        colour = "green" if item["outcome"] == "Overturned" else "red"
        console.rule(f"Item {item['item_no']}: [{colour}]{item['outcome']}[/]")
        for key in (
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
        ):
            if item.get(key) is not None:
                console.print(f"[bold]{key}[/]: {item[key]}")


@app.command()
def coverage(db: DbOption = DEFAULT_DB, top: int = 20) -> None:
    """How much of the data the taxonomy classifies, and the commonest unclassified strings."""
    from ingest.coverage import coverage as compute
    from ingest.coverage import print_coverage
    from ingest.store import connect

    _require_db(db)
    con = connect(db, read_only=True)
    try:
        print_coverage(compute(con, top=top), console)
    finally:
        con.close()


@app.command()
def renormalize(db: DbOption = DEFAULT_DB) -> None:
    """Recompute category columns from the stored text after a taxonomy change (no PDF re-parse)."""
    from ingest.normalize import renormalize as run
    from ingest.store import connect
    from queries.derived import refresh_derived

    _require_db(db)
    con = connect(db)
    try:
        changed = run(con)
        if any(changed.values()):
            refresh_derived(con)  # the query layer's pre-joined copy must see the new columns
    finally:
        con.close()
    table = Table("columns", "rows changed", title=f"Renormalised {db}")
    for columns, count in changed.items():
        table.add_row(columns, f"{count:,}")
    console.print(table)


@app.command("app")
def run_app(
    db: DbOption = DEFAULT_DB,
    port: Annotated[int, typer.Option(help="Port for the web app.")] = 8501,
    headless: Annotated[bool, typer.Option(help="Do not open a browser.")] = True,
) -> None:
    """Start the web app; on first run, generate and ingest the demo corpus first."""
    if not db.exists():
        from demo.corpus import DEFAULT_DEMO_DIR, DEFAULT_LETTERS, DEFAULT_SEED, write_corpus

        console.print(f"No database at {db}: generating the demo corpus (synthetic letters)...")
        if not (DEFAULT_DEMO_DIR / "manifest.jsonl").exists():
            write_corpus(DEFAULT_DEMO_DIR, letters=DEFAULT_LETTERS, seed=DEFAULT_SEED)
        summary = ingest_paths([DEFAULT_DEMO_DIR], db)
        print_summary(summary, db)
    os.environ["IMR_DB"] = str(db)
    args = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(Path(__file__).parents[1] / "app.py"),
        "--server.port",
        str(port),
        "--server.headless",
        str(headless).lower(),
        "--browser.gatherUsageStats",
        "false",
    ]
    os.execv(sys.executable, args)


def _require_db(db: Path) -> None:
    if not db.exists():
        _usage_error(f"no database at {db} (run `imr ingest` first, or pass --db)")


def _usage_error(message: str) -> None:
    err.print(f"[red]Error:[/] {message}")
    raise typer.Exit(2)


def _register_plugins() -> None:
    """Commands owned by other packages (queries: stats/export; demo corpus)."""
    for module in ("queries.cli", "demo.cli"):
        __import__(module, fromlist=["register"]).register(app)


_register_plugins()
