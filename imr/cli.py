"""The `imr` command line: thin commands that call the libraries, print with rich, and exit
with a code that says what happened. Every error goes through `fail`: one red line, no
traceback.

Exit codes (imr/failures.py; the README lists them): 0 done; 1 something was quarantined /
not found / a check failed; 2 usage error (bad option, missing file or database, bad filter,
an export target refused); 3 the database is busy (another writer); 4 not a DuckDB database,
damaged, or a folder; 5 cannot write (disk full, read-only); 130 interrupted.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from common.paths import DEFAULT_DB, DEFAULT_EXPORTS
from demo.corpus import DEFAULT_DEMO_DIR, DEFAULT_LETTERS, DEFAULT_SEED
from imr.demo_run import CHECK_LETTERS, build_demo_database, demo_command
from imr.failures import (
    EXIT_INTERRUPTED,
    EXIT_QUARANTINED,
    Failure,
    explained,
    fail,
)
from imr.fetch_run import agreement_command, fetch_command
from imr.ingest_run import (
    check_and_repair,
    ingest_and_refresh,
    renormalize_and_refresh,
    reorder_and_refresh,
)
from imr.reports import print_coverage, print_letter, print_rates, print_renormalized, print_summary
from ingest.extract import DEFAULT_EXTRACTOR, EXTRACTORS
from queries import MIN_N, filter_options, letter, open_db, overturn_rate_by
from queries import export as export_filtered
from queries.coverage import coverage as coverage_report
from queries.export import ExportRefused
from queries.filters import FilterError, Filters
from queries.vocab import URL_KEYS

EXIT_FAILED = EXIT_QUARANTINED
UPLOAD_SWITCH = "IMR_NO_UPLOAD"  # read by ui/upload.py
WARMUP_SWITCH = "IMR_WARMUP"  # read by ui/warmup.py: warm every page's queries at start
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


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Letter files (.pdf, .txt) or folders.")],
    db: DbOption = DEFAULT_DB,
    workers: Annotated[int, typer.Option(help="Parser processes (default: all cores).")] = 0,
    extractor: Annotated[
        str, typer.Option(help=f"PDF text backend: {', '.join(EXTRACTORS)}.")
    ] = DEFAULT_EXTRACTOR,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Re-read these files even if known, and let their letters replace a stored "
            "letter of the same case that reads differently (a case_conflict).",
        ),
    ] = False,
) -> None:
    """Ingest letters. Exit 0: all added or skipped; 1: something quarantined; 2: usage error;
    3: another run is writing; 4: --db is not a database; 5: cannot write; 130: interrupted."""
    if extractor not in EXTRACTORS:
        fail(f"unknown extractor {extractor!r}; choose one of {', '.join(EXTRACTORS)}")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}")
    with (
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=quiet,
            transient=True,
        ) as progress,
        guarded(db),
    ):
        task = progress.add_task("Ingesting", total=None)
        summary = ingest_and_refresh(
            paths,
            db,
            workers=workers or None,
            extractor=extractor,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
            replace=replace,
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
    with guarded(db):
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
    with guarded(db):
        con = open_db(db)
        try:
            report = coverage_report(con, top=top)
        finally:
            con.close()
    print_coverage(report, console)


@app.command()
def renormalize(db: DbOption = DEFAULT_DB) -> None:
    """Recompute category columns from the stored text after a taxonomy change (no PDF re-parse)."""
    _require_db(db)
    with guarded(db):
        changed = renormalize_and_refresh(db)
    print_renormalized(changed, db, console)


@app.command()
def reorder(
    db: DbOption = DEFAULT_DB,
    force: Annotated[
        bool, typer.Option("--force", help="Rewrite even if already in order")
    ] = False,
) -> None:
    """Store letters and decisions in decision-date order (after a backfill or an unsorted bulk
    ingest): exports and year-filtered reads then decode far less text."""
    _require_db(db)
    with guarded(db):
        before = reorder_and_refresh(db, force=force)
    moved = sum(before.values())
    console.print(
        f"{db}: {'rewritten in decision-date order' if moved or force else 'already in order'}"
        f" ({before['letters']:,} letters, {before['decisions']:,} decisions were out of order)",
        highlight=False,
    )


@app.command()
def stats(
    by: Annotated[str, typer.Option("--by", help="Dimension to break down by")],
    where: WhereOption = None,
    db: DbOption = DEFAULT_DB,
    min_n: Annotated[int, typer.Option("--min-n", help="Smallest group to rank")] = MIN_N,
) -> None:
    """Overturn rate of decisions by one dimension, with 95 % Wilson intervals."""
    _require_db(db)
    try:
        f = parse_where(where)
        with guarded(db):
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
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=f"File to write. A bare name (pharma.csv) goes into {DEFAULT_EXPORTS}/; "
            f"default {DEFAULT_EXPORTS}/decisions-<date-time>.<format>.",
        ),
    ] = None,
    where: WhereOption = None,
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
    bom: Annotated[bool, typer.Option("--bom", help="UTF-8 BOM for Excel")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file")] = False,
) -> None:
    """Write the filtered decisions with their letter fields, plus a JSON manifest."""
    _require_db(db)
    target = export_target(out, fmt)
    try:
        f = parse_where(where)
        with guarded(target):
            con = open_db(db)
            try:
                manifest = export_filtered(
                    con, f.validate(filter_options(con)), target, fmt, bom=bom, force=force
                )
            finally:
                con.close()
    except (FilterError, ExportRefused) as exc:
        fail(str(exc))
    console.print(
        f"Wrote {manifest['rows']:,} decisions ({f.describe()}) to {target.resolve()}",
        highlight=False,
        soft_wrap=True,
    )


def export_target(out: Path | None, fmt: str) -> Path:
    """`--out` as given when it names a folder; a bare name, or none, lands in exports/."""
    if out is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        return DEFAULT_EXPORTS / f"decisions-{stamp}.{fmt}"
    if out.parent == Path(".") and not out.is_absolute():
        return DEFAULT_EXPORTS / out
    return out


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
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on. 127.0.0.1 (default): this machine only; 0.0.0.0: "
            "everyone on the network shares this database and can add letters to it."
        ),
    ] = "127.0.0.1",
    no_upload: Annotated[
        bool, typer.Option("--no-upload", help="Hide the app's upload box (read-only app).")
    ] = False,
    demo_db: Annotated[
        bool,
        typer.Option("--demo", help="Build the demo database at --db if it does not exist."),
    ] = False,
    headless: Annotated[bool, typer.Option(help="Do not open a browser.")] = True,
) -> None:
    """Start the web app. Only the default database (or --demo) is built from the demo corpus
    on first start; any other missing --db is an error."""
    if not db.exists():
        if not (demo_db or _is_default(db)):
            fail(
                f"no database at {db}. Ingest letters into it first "
                f"(`imr ingest LETTERS/ --db {db}`), or pass --demo to build the demo there."
            )
        _build_demo(db)  # built with its caches: nothing to check or repair
        repaired = []
    else:
        with guarded(db):
            repaired = check_and_repair(db)
    if repaired:
        console.print(f"Repaired the {' and '.join(repaired)} of {db}.")
    os.environ["IMR_DB"] = str(db)
    os.environ[WARMUP_SWITCH] = "1"
    if no_upload:
        os.environ[UPLOAD_SWITCH] = "1"
    console.print(f"Serving {db} on http://{host}:{port}" + (" (uploads off)" if no_upload else ""))
    args = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(Path(__file__).parents[1] / "app.py"),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        str(headless).lower(),
        "--browser.gatherUsageStats",
        "false",
    ]
    os.execv(sys.executable, args)


def _is_default(db: Path) -> bool:
    return db.resolve() == DEFAULT_DB.resolve()


def _build_demo(db: Path) -> None:
    console.print(f"No database at {db}: generating the demo corpus (synthetic letters)...")
    with guarded(db):
        summary = build_demo_database(db, DEFAULT_DEMO_DIR)
    if summary.interrupted:
        fail(
            "interrupted; the demo database was not built (the next start builds it).",
            EXIT_INTERRUPTED,
        )
    print_summary(summary, db, console, err)
    if summary.quarantined:
        console.print(
            f"The {len(summary.quarantined)} quarantined files above are deliberate examples of "
            f"bad input in the demo corpus ({DEFAULT_DEMO_DIR}/broken/): nothing is wrong. The "
            'app\'s Data page lists them under "Quarantined files"; with real letters, a '
            "quarantined file deserves a look.",
            highlight=False,
        )


@contextmanager
def guarded(db: Path) -> Iterator[None]:
    """Known failures (busy, not a database, disk full ...) -> one line and their exit code."""
    try:
        with explained(db):
            yield
    except Failure as exc:
        fail(exc.message, exc.code)
    except KeyboardInterrupt:  # before ingest took over Ctrl-C (starting, waiting for a lock)
        fail("interrupted; nothing was written.", EXIT_INTERRUPTED)


app.command("fetch")(fetch_command)
app.command("agreement")(agreement_command)


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
    if db.is_dir():
        fail(f"{db} is a folder; --db takes a database file such as data/real.duckdb.", 4)
