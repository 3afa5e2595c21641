"""`imr demo`: write the synthetic demo corpus, or (`--check`) measure the ingest against it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from demo.check import FULLY_SUPPORTED, CheckReport, run_check
from demo.corpus import DEFAULT_DEMO_DIR, DEFAULT_LETTERS, DEFAULT_SEED, write_corpus
from ingest.extract import DEFAULT_EXTRACTOR

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


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        letters: Annotated[
            int | None,
            typer.Option(
                help=f"Letters (default {DEFAULT_LETTERS:,}; {CHECK_LETTERS} with --check)."
            ),
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
