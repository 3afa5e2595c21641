"""The `imr` command line: thin commands that call the libraries, print with rich, and exit
with a code that says what happened. Every error goes through `fail`: one red line, no
traceback.

Exit codes: 0 done; 1 something was quarantined / not found / a check failed; 2 usage error
(bad option, missing file or database, bad filter); 130 interrupted.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from common.paths import DEFAULT_DB
from demo.corpus import DEFAULT_DEMO_DIR, DEFAULT_LETTERS, DEFAULT_SEED, write_corpus
from imr.demo_run import CHECK_LETTERS, demo_command
from imr.ingest_run import ingest_and_refresh, renormalize_and_refresh
from imr.reports import print_coverage, print_letter, print_rates, print_renormalized, print_summary
from ingest.extract import DEFAULT_EXTRACTOR, EXTRACTORS
from queries import MIN_N, filter_options, letter, open_db, overturn_rate_by
from queries import export as export_filtered
from queries.coverage import coverage as coverage_report
from queries.filters import FilterError, Filters
from queries.vocab import URL_KEYS

EXIT_FAILED = 1
EXIT_USAGE = 2
SINGLE_VALUED = {"from", "to", "ca_lic", "partial", "demo", "q"}

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB database file.")]
WhereOption = Annotated[
    list[str] | None,
    typer.Option("--where", help="Filter as key=value (column name or URL key), repeatable"),
]

app = typer.Typer(
    help="IMR outcomes: ingest determination letters, query overturn rates, run the app.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """The one error printer: `Error: <message>` on stderr, then exit with `code`."""
    err.print(f"[red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)


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
        fail(f"unknown extractor {extractor!r}; choose one of {', '.join(EXTRACTORS)}")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}")
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
        summary = ingest_and_refresh(
            paths,
            db,
            workers=workers or None,
            extractor=extractor,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    print_summary(summary, db, console, err)
    raise typer.Exit(summary.exit_code)


@app.command()
def show(
    case: Annotated[str, typer.Argument(help="Case number (CM16-0213037) or letter_id.")],
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print one letter with its items, to check a parse against the PDF."""
    _require_db(db)
    con = open_db(db)
    try:
        head, items = letter(con, case)
    finally:
        con.close()
    if head.is_empty():
        fail(f"No letter {case!r} in {db}.", EXIT_FAILED)
    row = head.drop("raw_text").row(0, named=True)
    if as_json:
        console.print_json(json.dumps({**row, "items": items.to_dicts()}, default=str))
    else:
        print_letter(row, items, console)


@app.command()
def coverage(db: DbOption = DEFAULT_DB, top: int = 20) -> None:
    """How much of the data the taxonomy classifies, and the commonest unclassified strings."""
    _require_db(db)
    con = open_db(db)
    try:
        print_coverage(coverage_report(con, top=top), console)
    finally:
        con.close()


@app.command()
def renormalize(db: DbOption = DEFAULT_DB) -> None:
    """Recompute category columns from the stored text after a taxonomy change (no PDF re-parse)."""
    _require_db(db)
    print_renormalized(renormalize_and_refresh(db), db, console)


@app.command()
def stats(
    by: Annotated[str, typer.Option("--by", help="Dimension to break down by")],
    where: WhereOption = None,
    db: DbOption = DEFAULT_DB,
    min_n: Annotated[int, typer.Option("--min-n", help="Smallest group to rank")] = MIN_N,
) -> None:
    """Overturn rate of decisions by one dimension, with 95 % Wilson intervals."""
    try:
        f = parse_where(where)
        con = open_db(db)
        try:
            rows = overturn_rate_by(con, by, f.validate(filter_options(con)), min_n=min_n)
        finally:
            con.close()
    except FilterError as exc:
        fail(str(exc))
    print_rates(rows, by, f"Overturn rate by {by} ({f.describe()})", console)


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="File to write")],
    where: WhereOption = None,
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
    bom: Annotated[bool, typer.Option("--bom", help="UTF-8 BOM for Excel")] = False,
) -> None:
    """Write the filtered decisions with their letter fields, plus a JSON manifest."""
    try:
        f = parse_where(where)
        con = open_db(db)
        try:
            manifest = export_filtered(con, f.validate(filter_options(con)), out, fmt, bom=bom)
        finally:
            con.close()
    except FilterError as exc:
        fail(str(exc))
    console.print(f"Wrote {manifest['rows']:,} decisions to {out} ({f.describe()})")


@app.command("demo")
def demo(
    letters: Annotated[
        int | None,
        typer.Option(help=f"Letters (default {DEFAULT_LETTERS:,}; {CHECK_LETTERS} with --check)."),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same corpus.")
    ] = DEFAULT_SEED,
    out: Annotated[
        Path, typer.Option(help="Folder to (re)write; refused if it holds other files.")
    ] = DEFAULT_DEMO_DIR,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Generate in a temp folder, ingest, compare every field with the manifest.",
        ),
    ] = False,
    workers: Annotated[int, typer.Option(help="Processes for rendering and ingest.")] = 2,
    extractor: Annotated[
        str, typer.Option(help="PDF text backend for --check: pypdfium2 or pdfplumber.")
    ] = DEFAULT_EXTRACTOR,
) -> None:
    """Generate the synthetic demo corpus (PDF + text letters, manifest, broken files)."""
    raise typer.Exit(demo_command(letters, seed, out, check, workers, extractor))


@app.command("app")
def run_app(
    db: DbOption = DEFAULT_DB,
    port: Annotated[int, typer.Option(help="Port for the web app.")] = 8501,
    headless: Annotated[bool, typer.Option(help="Do not open a browser.")] = True,
) -> None:
    """Start the web app; on first run, generate and ingest the demo corpus first."""
    if not db.exists():
        console.print(f"No database at {db}: generating the demo corpus (synthetic letters)...")
        if not (DEFAULT_DEMO_DIR / "manifest.jsonl").exists():
            write_corpus(DEFAULT_DEMO_DIR, letters=DEFAULT_LETTERS, seed=DEFAULT_SEED)
        print_summary(ingest_and_refresh([DEFAULT_DEMO_DIR], db), db, console, err)
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


def parse_where(pairs: list[str] | None) -> Filters:
    """`key=value` pairs (repeat a key for several values) -> validated-shape Filters."""
    params: dict[str, list[str]] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep:
            raise FilterError(f"--where expects key=value, got {pair!r}")
        key = URL_KEYS.get(key.strip(), key.strip())  # the column name works as well as the URL key
        params.setdefault(key, []).append(value.strip())
    return Filters.from_query_params(
        {k: (v[-1] if k in SINGLE_VALUED and len(v) == 1 else v) for k, v in params.items()}
    )


def _require_db(db: Path) -> None:
    if not db.exists():
        fail(f"no database at {db} (run `imr ingest` first, or pass --db)")
