"""`imr demo`: write the synthetic demo corpus, or (`--check`) measure the ingest against it."""

from __future__ import annotations

from pathlib import Path

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
