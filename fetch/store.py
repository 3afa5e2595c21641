"""`dwc_search` rows and the run state, in the same DuckDB file as the parsed letters.

Connections are opened per step and closed again (as ingest does), so the app and ingest can
use the file between steps. A window's rows and its "searched" mark are written in one
transaction; a letter is recorded only after its file is complete on disk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from ingest.store import connect as connect_db

SQL_DIR = Path(__file__).with_name("sql")

DWC_SEARCH_SCHEMA = {
    "case_number": pl.String,
    "item_position": pl.Int32,
    "decision_date": pl.Date,
    "date_of_injury": pl.Date,
    "received_date": pl.Date,
    "reviewer_specialty": pl.String,
    "category": pl.String,
    "subcategory": pl.String,
    "drug_class": pl.String,
    "decision": pl.String,
    "case_outcome": pl.String,
    "pdf_url": pl.String,
    "fetched_at": pl.Datetime("us"),
}


@cache
def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text("utf-8")


def connect(db_path: str | Path) -> duckdb.DuckDBPyConnection:
    con = connect_db(db_path)
    con.execute(sql("schema"))
    return con


@dataclass(frozen=True)
class RunState:
    searched_days: set[date]  # decision days whose search is complete
    fetched: int  # letters of the range already downloaded
    not_ingested: list[Path]  # downloaded files not yet handed to ingest (any range)


def run_state(db_path: Path, start: date, end: date) -> RunState:
    """Where earlier runs stopped, read in one connection at the start of a run."""
    con = connect(db_path)
    try:
        days = con.execute(
            "select decision_day from dwc_fetch_days where decision_day between ? and ?",
            [start, end],
        ).fetchall()
        fetched = con.execute(sql("fetched_letters"), {"start": start, "end": end}).fetchall()
        paths = con.execute(sql("not_ingested")).fetchall()
    finally:
        con.close()
    return RunState({r[0] for r in days}, fetched[0][0], [Path(r[0]) for r in paths])


def save_window(
    db_path: Path, start: date, end: date, rows: list[dict], *, settled: bool, now: datetime
) -> None:
    """DWC's rows for [start, end]; the days are marked searched only when `settled` (old
    enough that DWC will not post more letters for them)."""
    frame = pl.DataFrame(rows, schema=DWC_SEARCH_SCHEMA)
    con = connect(db_path)
    try:
        con.execute("begin transaction")
        try:
            con.register("window_rows", frame)
            con.execute(sql("save_window"), {"start": start, "end": end})
            con.execute("insert into dwc_search by name select * from window_rows")
            con.unregister("window_rows")
            if settled:
                days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
                con.execute(
                    "insert or replace into dwc_fetch_days select unnest($days), $now",
                    {"days": days, "now": now},
                )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.close()


def pending_letters(db_path: Path, start: date, end: date) -> list[tuple]:
    """(case_number, pdf_url, decision_date, another_fetched) still to download."""
    con = connect(db_path)
    try:
        return con.execute(sql("pending_letters"), {"start": start, "end": end}).fetchall()
    finally:
        con.close()


LETTER_SCHEMA = {
    "case_number": pl.String,
    "pdf_url": pl.String,
    "status": pl.String,
    "path": pl.String,
    "bytes": pl.Int64,
    "sha256": pl.String,
    "detail": pl.String,
    "fetched_at": pl.Datetime("us"),
}


def record_letters(db_path: Path, records: list[dict]) -> None:
    """Downloads tried, in one transaction (a file on disk but not yet recorded here is
    picked up by the next run without downloading it again)."""
    if not records:
        return
    frame = pl.DataFrame(records, schema=LETTER_SCHEMA)
    con = connect(db_path)
    try:
        con.register("letter_rows", frame)
        con.execute("insert or replace into dwc_fetch_letters by name select * from letter_rows")
    finally:
        con.close()


def mark_ingested(db_path: Path, paths: Iterable[Path], now: datetime) -> None:
    names = [str(p) for p in paths]
    if not names:
        return
    con = connect(db_path)
    try:
        con.execute(
            "update dwc_fetch_letters set ingested_at = $now where list_contains($paths, path)",
            {"now": now, "paths": names},
        )
    finally:
        con.close()
