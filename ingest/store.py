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
from common.paths import display_path, display_text, path_bytes
from common.sqlfiles import load_sql, render
from ingest.errors import QuarantineReason
from ingest.model import FailedFile, ParsedFile
from ingest.rows import decisions_fingerprint

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text()
SQL_DIR = Path(__file__).with_name("sql")
LOCK_RETRY_SECONDS = 60.0


FileStatus = Literal["added", "duplicate", "quarantined", "replaced"]


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
        except duckdb.Error as exc:  # a lock, or the file open here otherwise
            if not is_lock_conflict(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    if not read_only:
        migrate(con)
        con.execute(SCHEMA_SQL)
    return con


def migrate(con: duckdb.DuckDBPyConnection) -> bool:
    """Give a database made before `decision_no` its numbers, once: the column, numbers for
    the stored rows and a sequence continuing after them, in one transaction (a crash leaves
    the old schema, and the next writer tries again). Returns whether it migrated."""
    if not con.execute(load_sql(SQL_DIR, "needs_decision_no")).fetchall()[0][0]:
        return False
    con.execute("begin transaction")
    try:
        con.execute(load_sql(SQL_DIR, "add_decision_no"))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return True


def known_files(con: duckdb.DuckDBPyConnection, parser_version: str) -> pl.DataFrame:
    """Files already handled by this parser version: sha256, path, size and mtime."""
    return con.sql(load_sql(SQL_DIR, "known_files"), params={"parser_version": parser_version}).pl()


def write_batch(
    con: duckdb.DuckDBPyConnection,
    parsed: list[ParsedFile],
    failed: list[FailedFile],
    parser_version: str,
    *,
    replace: bool = False,
) -> BatchResult:
    """Insert one batch in one transaction. A letter already stored from another file is a
    duplicate when it decides the same, a `case_conflict` (quarantined, nothing replaced)
    when it does not, unless `replace`; the same file re-parsed replaces its rows."""
    now = datetime.now()
    con.execute("begin transaction")
    try:
        ids = [p.letter["letter_id"] for p in parsed]
        existing = _existing_letters(con, ids)
        stored_prints = _stored_fingerprints(
            con, [i for i in ids if i in existing and existing[i][0] not in _shas(parsed)]
        )
        result, fresh, statuses = _sort_parsed(parsed, existing, stored_prints, replace)
        conflicts = [f for f in result.quarantined]
        result.quarantined = list(failed) + conflicts
        replaced = [p.letter["letter_id"] for p in fresh if p.letter["letter_id"] in existing]
        _delete_letters(con, replaced)
        old_shas = [existing[i][0] for i in replaced if existing[i][0] not in _shas(fresh)]
        if old_shas:
            con.execute(load_sql(SQL_DIR, "mark_replaced"), {"shas": old_shas})
        _insert_letters(con, fresh, now)
        _replace_quarantine(con, parsed, result.quarantined, now)
        files = [
            _file_row(
                p,
                letter_id=p.letter["letter_id"] if status != "quarantined" else None,
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


def _shas(files: list[ParsedFile]) -> set[str]:
    return {p.sha256 for p in files}


def _sort_parsed(
    parsed: list[ParsedFile],
    existing: dict[str, tuple[str, str]],
    stored_prints: dict[str, str],
    replace: bool,
) -> tuple[BatchResult, list[ParsedFile], list[FileStatus]]:
    """Added, duplicate or conflict, per file. The same bytes re-parsed are added (and replace
    the stored rows); other bytes of a stored case (or of one earlier in this batch) are a
    duplicate when they decide the same and a conflict otherwise (`replace`: they win)."""
    result = BatchResult()
    fresh: dict[str, ParsedFile] = {}
    statuses: list[FileStatus] = []
    for p in parsed:
        letter_id = p.letter["letter_id"]
        stored = existing.get(letter_id)
        earlier = fresh.get(letter_id)
        if earlier is not None:
            other_print, other = (
                decisions_fingerprint(earlier.decisions),
                (earlier.sha256, earlier.path),
            )
        elif stored is not None and stored[0] != p.sha256:
            other_print, other = stored_prints.get(letter_id), stored
        else:
            other_print, other = None, None
        if other is None or (replace and earlier is None):
            status: FileStatus = "added"
            fresh[letter_id] = p
        elif other_print == decisions_fingerprint(p.decisions):  # only when there is another
            status = "duplicate"
        else:
            status = "quarantined"
            result.quarantined.append(_conflict(p, letter_id, other))
        statuses.append(status)
        if status == "added":
            result.added.append(p.path)
        elif status == "duplicate":
            result.duplicates.append(p.path)
    return result, list(fresh.values()), statuses


def _conflict(p: ParsedFile, letter_id: str, other: tuple[str, str]) -> FailedFile:
    other_sha, other_path = other
    detail = (
        f"case {letter_id} is stored from {display_path(other_path)} (sha256 {other_sha[:12]}); "
        f"this file (sha256 {p.sha256[:12]}) decides differently. Nothing was replaced: "
        f"`imr ingest --replace <this file>` stores this one instead."
    )
    return FailedFile(
        p.path, p.sha256, "store", QuarantineReason.CASE_CONFLICT, detail, p.size_bytes, p.mtime_ns
    )


def _existing_letters(
    con: duckdb.DuckDBPyConnection, letter_ids: list[str]
) -> dict[str, tuple[str, str]]:
    """letter_id -> (sha256, path) of the file each stored letter came from."""
    if not letter_ids:
        return {}
    rows = con.sql(load_sql(SQL_DIR, "existing_letters"), params={"ids": letter_ids}).fetchall()
    return {letter_id: (sha, path) for letter_id, sha, path in rows}


def _stored_fingerprints(con: duckdb.DuckDBPyConnection, letter_ids: list[str]) -> dict[str, str]:
    if not letter_ids:
        return {}
    frame = con.sql(load_sql(SQL_DIR, "stored_decisions"), params={"ids": letter_ids}).pl()
    return {
        key[0]: decisions_fingerprint(group.to_dicts())
        for key, group in frame.group_by("letter_id")
    }


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
    paths = [display_path(f.path) for f in [*parsed, *failed]]
    if batch_shas or paths:
        con.execute(load_sql(SQL_DIR, "clear_quarantine"), {"shas": batch_shas, "paths": paths})
    rows = [
        {
            "source_path": display_path(f.path),
            "source_sha256": f.sha256,
            "stage": f.stage,
            "reason": str(f.reason),
            "detail": display_text(f.detail),
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
        "source_path": display_path(f.path),
        "source_path_raw": path_bytes(f.path),
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
    return con.execute(load_sql(SQL_DIR, "start_run"), params).fetchall()[0][0]


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: int, counts: dict, interrupted: bool
) -> None:
    columns = ("seen", "added", "skipped", "duplicates", "quarantined")
    params = {name: counts.get(name, 0) for name in columns}
    params |= {"finished_at": datetime.now(), "interrupted": interrupted, "run_id": run_id}
    con.execute(load_sql(SQL_DIR, "finish_run"), params)
