"""`imr stats` and `imr export` in a terminal: a FilterError is one red line and exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from queries.db import open_db
from queries.export import export as export_filtered
from queries.filters import FilterError, Filters
from queries.rates import filter_options, overturn_rate_by
from queries.vocab import URL_KEYS

DEFAULT_DB = Path("data/imr.duckdb")
WhereOpt = Annotated[
    list[str] | None,
    typer.Option("--where", help="Filter as key=value (column name or URL key), repeatable"),
]
DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB file")]


def parse_where(pairs: list[str] | None) -> Filters:
    """`key=value` pairs (repeat a key for several values) -> validated-shape Filters."""
    params: dict[str, list[str]] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep:
            raise FilterError(f"--where expects key=value, got {pair!r}")
        key = URL_KEYS.get(key.strip(), key.strip())  # the column name works as well as the URL key
        params.setdefault(key, []).append(value.strip())
    single = {"from", "to", "ca_lic", "partial", "demo", "q"}
    return Filters.from_query_params(
        {k: (v[-1] if k in single and len(v) == 1 else v) for k, v in params.items()}
    )


def _fail(console: Console, exc: Exception) -> None:
    console.print(f"[bold red]Error:[/] {exc}", highlight=False)
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    @app.command()
    def stats(
        by: Annotated[str, typer.Option("--by", help="Dimension to break down by")],
        where: WhereOpt = None,
        db: DbOpt = DEFAULT_DB,
        min_n: Annotated[int, typer.Option("--min-n", help="Smallest group to rank")] = 30,
    ) -> None:
        """Overturn rate of decisions by one dimension, with 95 % Wilson intervals."""
        console = Console()
        try:
            f = parse_where(where)
            con = open_db(db)
            try:
                rows = overturn_rate_by(con, by, f.validate(filter_options(con)), min_n=min_n)
            finally:
                con.close()
        except FilterError as exc:
            _fail(console, exc)
        table = Table(title=f"Overturn rate by {by} ({f.describe()})")
        for col in (by, "decisions", "overturned", "rate", "95 % CI", "rank"):
            table.add_column(col, justify="left" if col == by else "right")
        for r in rows.iter_rows(named=True):
            ci = f"{r['ci_low']:.1%} - {r['ci_high']:.1%}"
            rank = "too few" if r["small"] else str(r["rank"])
            table.add_row(str(r[by]), f"{r['decisions']:,}", f"{r['overturned']:,}",
                          f"{r['rate']:.1%}", ci, rank)  # fmt: skip
        console.print(table)

    @app.command()
    def export(
        out: Annotated[Path, typer.Option("--out", help="File to write")],
        where: WhereOpt = None,
        db: DbOpt = DEFAULT_DB,
        fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
        bom: Annotated[bool, typer.Option("--bom", help="UTF-8 BOM for Excel")] = False,
    ) -> None:
        """Write the filtered decisions with their letter fields, plus a JSON manifest."""
        console = Console()
        try:
            f = parse_where(where)
            con = open_db(db)
            try:
                manifest = export_filtered(con, f.validate(filter_options(con)), out, fmt, bom=bom)
            finally:
                con.close()
        except FilterError as exc:
            _fail(console, exc)
        console.print(f"Wrote {manifest['rows']:,} decisions to {out} ({f.describe()})")
