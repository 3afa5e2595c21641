"""Parsed letters -> DuckDB rows, whole or not at all.

The parent process is the only writer. Each batch of letters is one transaction, so a crash
or Ctrl-C can lose at most the batch in flight, never half a letter. The connection is opened
per batch and closed again, because DuckDB lets no reader in while a writer holds the file:
the app keeps answering between batches.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

import duckdb
import polars as pl

from common.dblock import is_lock_conflict
from common.sqlfiles import load_sql, render
from ingest.model import FailedFile, ParsedFile

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text()
SQL_DIR = Path(__file__).with_name("sql")
LOCK_RETRY_SECONDS = 60.0


FileStatus = Literal["added", "duplicate", "quarantined"]


@dataclass
class BatchResult:
    added: list[str] = field(default_factory=list)  # paths
    duplicates: list[str] = field(default_factory=list)  # paths whose letter was already stored
    quarantined: list[FailedFile] = field(default_factory=list)


def connect(db_path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database, waiting while another process holds its lock."""
    db_path = Path(db_path)
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + LOCK_RETRY_SECONDS
    while True:
        try:
            con = duckdb.connect(str(db_path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if not is_lock_conflict(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    if not read_only:
        con.execute(SCHEMA_SQL)
    return con


def known_files(con: duckdb.DuckDBPyConnection, parser_version: str) -> pl.DataFrame:
    """Files already handled by this parser version: sha256, path, size and mtime."""
    return con.sql(load_sql(SQL_DIR, "known_files"), params={"parser_version": parser_version}).pl()


def write_batch(
    con: duckdb.DuckDBPyConnection,
    parsed: list[ParsedFile],
    failed: list[FailedFile],
    parser_version: str,
) -> BatchResult:
    """Insert one batch in one transaction; a letter already stored from another file is a
    duplicate, the same file seen by an older parser version is replaced."""
    now = datetime.now()
    con.execute("begin transaction")
    try:
        existing = _existing_letters(con, [p.letter["letter_id"] for p in parsed])
        result, fresh, statuses = _sort_parsed(parsed, existing)
        result.quarantined = list(failed)
        _delete_letters(
            con, [p.letter["letter_id"] for p in fresh if p.letter["letter_id"] in existing]
        )
        _insert_letters(con, fresh, now)
        _replace_quarantine(con, parsed, failed, now)
        files = [
            _file_row(
                p,
                letter_id=p.letter["letter_id"],
                status=status,
                parser_version=parser_version,
                now=now,
            )
            for p, status in zip(parsed, statuses, strict=True)
        ] + [
            _file_row(
                f, letter_id=None, status="quarantined", parser_version=parser_version, now=now
            )
            for f in failed
        ]
        _upsert_files(con, [row for row in files if row["source_sha256"] is not None])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return result


def _sort_parsed(
    parsed: list[ParsedFile], existing: dict[str, str]
) -> tuple[BatchResult, list[ParsedFile], list[FileStatus]]:
    """Added or duplicate, per file: a letter stored from other bytes, or twice in the batch,
    is a duplicate; the same bytes re-parsed are added (and replace the stored rows)."""
    result = BatchResult()
    fresh: list[ParsedFile] = []
    statuses: list[FileStatus] = []
    seen_ids: set[str] = set()
    for p in parsed:
        letter_id = p.letter["letter_id"]
        stored_sha = existing.get(letter_id)
        duplicate = letter_id in seen_ids or (stored_sha is not None and stored_sha != p.sha256)
        statuses.append("duplicate" if duplicate else "added")
        (result.duplicates if duplicate else result.added).append(p.path)
        if not duplicate:
            fresh.append(p)
            seen_ids.add(letter_id)
    return result, fresh, statuses


def _existing_letters(con: duckdb.DuckDBPyConnection, letter_ids: list[str]) -> dict[str, str]:
    if not letter_ids:
        return {}
    rows = con.sql(load_sql(SQL_DIR, "existing_letters"), params={"ids": letter_ids}).fetchall()
    return dict(rows)


def _delete_letters(con: duckdb.DuckDBPyConnection, letter_ids: list[str]) -> None:
    if not letter_ids:
        return
    con.register("replaced_ids", pl.DataFrame({"letter_id": letter_ids}))
    try:
        con.execute(load_sql(SQL_DIR, "delete_replaced_letters"))
    finally:
        con.unregister("replaced_ids")


def _insert_letters(con: duckdb.DuckDBPyConnection, fresh: list[ParsedFile], now: datetime) -> None:
    if not fresh:
        return
    _insert(con, "letters", pl.DataFrame([{**p.letter, "ingested_at": now} for p in fresh]))
    _insert(con, "decisions", pl.DataFrame([row for p in fresh for row in p.decisions]))


def _replace_quarantine(
    con: duckdb.DuckDBPyConnection,
    parsed: list[ParsedFile],
    failed: list[FailedFile],
    now: datetime,
) -> None:
    """The quarantine holds each file's latest verdict: drop older verdicts of these files."""
    batch_shas = [p.sha256 for p in parsed] + [f.sha256 for f in failed if f.sha256]
    if batch_shas:
        con.execute(load_sql(SQL_DIR, "clear_quarantine"), {"shas": batch_shas})
    rows = [
        {
            "source_path": f.path,
            "source_sha256": f.sha256,
            "stage": f.stage,
            "reason": str(f.reason),
            "detail": f.detail,
            "seen_at": now,
        }
        for f in failed
    ]
    if rows:
        _insert(con, "quarantine", pl.DataFrame(rows))


def _file_row(
    f: ParsedFile | FailedFile,
    *,
    letter_id: str | None,
    status: FileStatus,
    parser_version: str,
    now: datetime,
) -> dict:
    """One `source_files` row: the file's latest verdict under this parser version."""
    return {
        "source_sha256": f.sha256,
        "source_path": f.path,
        "letter_id": letter_id,
        "status": status,
        "parser_version": parser_version,
        "size_bytes": f.size_bytes,
        "mtime_ns": f.mtime_ns,
        "seen_at": now,
    }


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    con.register("batch_frame", frame)
    try:
        con.execute(render(SQL_DIR, "insert_frame", table=table))
    finally:
        con.unregister("batch_frame")


def _upsert_files(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    if not rows:
        return
    frame = pl.DataFrame(rows).unique(subset="source_sha256", keep="last")
    con.register("batch_files", frame)
    try:
        con.execute(load_sql(SQL_DIR, "upsert_source_files"))
    finally:
        con.unregister("batch_files")


def start_run(con: duckdb.DuckDBPyConnection, paths: list[str], extractor: str) -> int:
    params = {"started_at": datetime.now(), "paths": paths, "extractor": extractor}
    return con.execute(load_sql(SQL_DIR, "start_run"), params).fetchone()[0]


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: int, counts: dict, interrupted: bool
) -> None:
    columns = ("seen", "added", "skipped", "duplicates", "quarantined")
    params = {name: counts.get(name, 0) for name in columns}
    params |= {"finished_at": datetime.now(), "interrupted": interrupted, "run_id": run_id}
    con.execute(load_sql(SQL_DIR, "finish_run"), params)
