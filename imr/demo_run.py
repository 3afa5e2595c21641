"""`imr demo`: write the synthetic demo corpus, or (`--check`) measure the ingest against it;
and the first start's demo database."""

from __future__ import annotations

import os
from pathlib import Path

from rich.console import Console
from rich.table import Table

from common.writelock import writer_lock
from demo.check import FULLY_SUPPORTED, CheckReport, run_check
from demo.corpus import (
    DEFAULT_DEMO_DIR,
    DEFAULT_LETTERS,
    DEFAULT_SEED,
    MANIFEST,
    CorpusWriter,
    write_corpus,
)
from imr.ingest_run import repair_caches
from ingest.extract import DEFAULT_EXTRACTOR
from ingest.pipeline import RunSummary, ingest_paths
from queries.connection import index_path_for

CHECK_LETTERS = 300
console = Console()


def demo_command(
    letters: int | None = None,
    seed: int = DEFAULT_SEED,
    out: Path = DEFAULT_DEMO_DIR,
    check: bool = False,
    workers: int = 2,
    extractor: str = DEFAULT_EXTRACTOR,
) -> int:
    """Returns the exit code: 0, or 1 when the check finds any field below 100 %."""
    if check:
        report = run_check(letters or CHECK_LETTERS, seed, workers=workers, extractor=extractor)
        print_report(report)
        return 0 if report.passed else 1
    summary = write_corpus(out, letters=letters or DEFAULT_LETTERS, seed=seed, workers=workers)
    rate = summary.letters / summary.seconds if summary.seconds else 0
    console.print(
        f"Wrote {summary.letters:,} synthetic letters ({summary.pdf:,} PDF, {summary.txt:,} text) "
        f"and {summary.broken} broken files to {summary.folder} in {summary.seconds:.1f} s "
        f"({rate:,.0f} letters/s). Ingest them with: imr ingest {summary.folder}"
    )
    return 0


def build_demo_database(
    db: Path,
    folder: Path = DEFAULT_DEMO_DIR,
    *,
    letters: int = DEFAULT_LETTERS,
    seed: int = DEFAULT_SEED,
) -> RunSummary:
    """The first start's database: the demo corpus (written unless complete) ingested through
    the normal pipeline into `<name>.building.duckdb`, its caches built, then renamed into
    place. Until then `db` does not exist: the app never serves a half-filled demo, and a
    first start killed midway is simply redone by the next one (the corpus too, unless its
    manifest, written last, says it is complete). Nobody else can open the temporary file,
    so ingest keeps one connection for the whole run (`private`).

    A corpus being written is ingested as it is written (`early`): generating and parsing
    overlap instead of taking turns on the cores (the two phases were ~4.5 + 11.5 s)."""
    db = Path(db)
    building = db.with_name(f"{db.stem}.building{db.suffix}")
    with writer_lock(db):
        _remove(building)
        early = None
        if not (folder / MANIFEST).exists():
            writer = CorpusWriter(folder, letters=letters, seed=seed)
            early = writer.written()
        try:
            summary = ingest_paths([folder], building, private=True, early=early)
        finally:
            if early is not None:
                early.close()  # an interrupted run: stop the renderers now
        if summary.interrupted:
            _remove(building)
            return summary
        repair_caches(building)
        os.replace(index_path_for(building), index_path_for(db))
        for suffix in (".wal", ""):  # the WAL (normally checkpointed away) before the file
            if Path(f"{building}{suffix}").exists():
                os.replace(f"{building}{suffix}", f"{db}{suffix}")
    return summary


def _remove(db: Path) -> None:
    for path in (db, Path(f"{db}.wal"), index_path_for(db)):
        path.unlink(missing_ok=True)


def _cell(correct: int, total: int) -> str:
    if not total:
        return "-"
    style = "green" if correct == total else "red"
    return f"[{style}]{100 * correct / total:.1f} %[/] ({correct}/{total})"


def print_report(report: CheckReport) -> None:
    layouts = sorted({layout for layout, _ in report.fields})
    table = Table(title="Field accuracy: stored value = manifest value (letters per layout)")
    table.add_column("field")
    for layout in layouts:
        mark = "" if layout in FULLY_SUPPORTED else " (partial)"
        table.add_column(layout + mark, justify="right")
    for name in sorted({name for _, name in report.fields}):
        cells = [report.fields.get((layout, name), [0, 0]) for layout in layouts]
        table.add_row(name, *(_cell(c, n) for c, n in cells))
    console.print(table)
    files = Table(title="Files: expected outcome of ingest")
    files.add_column("expected")
    files.add_column("as expected", justify="right")
    for expected, (c, n) in sorted(report.files.items()):
        files.add_row(expected, _cell(c, n))
    console.print(files)
    for failure in report.failures[:20]:
        console.print(f"[red]x[/] {failure}")
    console.print(
        f"generate {report.seconds_generate:.1f} s, ingest {report.seconds_ingest:.1f} s: "
        + ("[green]PASS[/]" if report.passed else "[red]FAIL[/]")
    )
