"""Shared by every bench script: machine facts, a rich table, and a dated RESULTS.md section.

Each run appends (never rewrites), so RESULTS.md is the history of measurements with the
machine they were taken on.
"""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).with_name("RESULTS.md")
OUT = Path(__file__).with_name("out")
PACKAGES = ("duckdb", "polars", "pyarrow", "pypdfium2", "pdfplumber", "streamlit")


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
         if line.startswith("model name")),
        platform.processor() or "unknown",
    )  # fmt: skip
    mem_kb = next(
        (int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
         if line.startswith("MemTotal")),
        0,
    )  # fmt: skip
    versions = ", ".join(f"{p} {version(p)}" for p in PACKAGES)
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_kb / 1024**2:.1f} GiB RAM, "
        f"Python {platform.python_version()}, {versions}; commit {_commit()}"
    )


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True,
            cwd=Path(__file__).parent,
        )  # fmt: skip
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def show(title: str, columns: list[str], rows: list[list[object]]) -> None:
    table = Table(title=title)
    for c in columns:
        table.add_column(c, justify="left" if c == columns[0] else "right")
    for row in rows:
        table.add_row(*(str(v) for v in row))
    Console(width=max(120, Console().width)).print(table)


def markdown(columns: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def append_section(title: str, command: str, body: str, notes: str = "") -> None:
    """Append a dated section: title, machine, command, tables, notes."""
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    text = f"\n## {title} ({stamp})\n\nMachine: {machine()}.  \nCommand: `{command}`\n\n{body}\n"
    if notes:
        text += f"\n{notes.strip()}\n"
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results (appended by the bench/ scripts)\n")
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(text)
