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

import duckdb
import polars as pl

from common.dblock import is_lock_conflict
from ingest.errors import QuarantineReason

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text()
LOCK_RETRY_SECONDS = 60.0


@dataclass
class ParsedFile:
    """A file that parsed: its letter row and decision rows, ready to insert."""

    path: str
    sha256: str
    size_bytes: int
    mtime_ns: int
    letter: dict
    decisions: list[dict]


@dataclass
class FailedFile:
    """A file that goes to quarantine, with the stage it failed at and a short reason code."""

    path: str
    sha256: str | None
    stage: str
    reason: QuarantineReason
    detail: str = ""
    size_bytes: int | None = None
    mtime_ns: int | None = None


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
    return con.sql(
        "select source_sha256, source_path, size_bytes, mtime_ns from source_files "
        "where parser_version = $v",
        params={"v": parser_version},
    ).pl()


def write_batch(
    con: duckdb.DuckDBPyConnection,
    parsed: list[ParsedFile],
    failed: list[FailedFile],
    parser_version: str,
) -> BatchResult:
    """Insert one batch in one transaction; a letter already stored from another file is a
    duplicate, the same file seen by an older parser version is replaced."""
    result = BatchResult(quarantined=list(failed))
    now = datetime.now()
    con.execute("begin transaction")
    try:
        existing = _existing_letters(con, [p.letter["letter_id"] for p in parsed])
        fresh: list[ParsedFile] = []
        seen_ids: set[str] = set()
        files: list[dict] = []
        for p in parsed:
            letter_id = p.letter["letter_id"]
            stored_sha = existing.get(letter_id)
            duplicate = letter_id in seen_ids or (stored_sha is not None and stored_sha != p.sha256)
            status = "duplicate" if duplicate else "added"
            (result.duplicates if duplicate else result.added).append(p.path)
            if not duplicate:
                fresh.append(p)
                seen_ids.add(letter_id)
            files.append(_file_row(p.sha256, p.path, letter_id, status, parser_version, p, now))
        replaced = [p.letter["letter_id"] for p in fresh if p.letter["letter_id"] in existing]
        if replaced:
            ids = pl.DataFrame({"letter_id": replaced})
            con.register("replaced_ids", ids)
            con.execute(
                "delete from decisions where letter_id in (select letter_id from replaced_ids)"
            )
            con.execute(
                "delete from letters where letter_id in (select letter_id from replaced_ids)"
            )
            con.unregister("replaced_ids")
        if fresh:
            letters = pl.DataFrame([{**p.letter, "ingested_at": now} for p in fresh])
            decisions = pl.DataFrame([row for p in fresh for row in p.decisions])
            _insert(con, "letters", letters)
            _insert(con, "decisions", decisions)
        for f in failed:
            files.append(_file_row(f.sha256, f.path, None, "quarantined", parser_version, f, now))
        # The quarantine holds each file's latest verdict: drop older verdicts of these files.
        batch_shas = [p.sha256 for p in parsed] + [f.sha256 for f in failed if f.sha256]
        if batch_shas:
            con.execute(
                "delete from quarantine where list_contains($shas, source_sha256)",
                {"shas": batch_shas},
            )
        quarantine = [
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
        if quarantine:
            _insert(con, "quarantine", pl.DataFrame(quarantine))
        hashed = [row for row in files if row["source_sha256"] is not None]
        if hashed:
            _upsert_files(con, pl.DataFrame(hashed))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return result


def _existing_letters(con: duckdb.DuckDBPyConnection, letter_ids: list[str]) -> dict[str, str]:
    if not letter_ids:
        return {}
    rows = con.sql(
        "select letter_id, source_sha256 from letters where list_contains($ids, letter_id)",
        params={"ids": letter_ids},
    ).fetchall()
    return dict(rows)


def _file_row(sha, path, letter_id, status, parser_version, f, now) -> dict:
    return {
        "source_sha256": sha,
        "source_path": path,
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
        con.execute(f"insert into {table} by name select * from batch_frame")
    finally:
        con.unregister("batch_frame")


def _upsert_files(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> None:
    frame = frame.unique(subset="source_sha256", keep="last")
    con.register("batch_files", frame)
    try:
        con.execute(
            "delete from source_files where source_sha256 in "
            "(select source_sha256 from batch_files)"
        )
        con.execute("insert into source_files by name select * from batch_files")
    finally:
        con.unregister("batch_files")


def start_run(con: duckdb.DuckDBPyConnection, paths: list[str], extractor: str) -> int:
    run_id = con.sql("select coalesce(max(run_id), 0) + 1 from ingest_runs").fetchall()[0][0]
    con.execute(
        "insert into ingest_runs (run_id, started_at, paths, extractor) values (?, ?, ?, ?)",
        [run_id, datetime.now(), paths, extractor],
    )
    return run_id


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: int, counts: dict, interrupted: bool
) -> None:
    con.execute(
        "update ingest_runs set finished_at = ?, seen = ?, added = ?, skipped = ?, "
        "duplicates = ?, quarantined = ?, interrupted = ? where run_id = ?",
        [
            datetime.now(),
            counts.get("seen", 0),
            counts.get("added", 0),
            counts.get("skipped", 0),
            counts.get("duplicates", 0),
            counts.get("quarantined", 0),
            interrupted,
            run_id,
        ],
    )
