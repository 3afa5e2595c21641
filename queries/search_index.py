"""The full-text index beside the database (imr.duckdb -> imr.search.sqlite), kept in sync.

DuckDB's own `fts` extension cannot be installed offline, so the index is SQLite FTS5 from
Python's standard library (bm25 ranking). The FTS5 table is contentless, keyed by the integer
`decisions.decision_no`: it holds no copy of the text (snippets are made per page from
DuckDB's column, see fulltext.snippets), and its hits join the query layer on one integer.
Ingest calls `build_search_index` after every run: it re-indexes letters ingested since the
last sync (a high-water mark on `letters.ingested_at`) in one transaction, and rebuilds into a
temporary file that atomically replaces the old one when the index is missing, stale in shape,
out of step in row count, or carrying too many replaced letters' dead postings.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path

import duckdb

from common.sqlfiles import render
from queries import bm25, term_counts, term_sets
from queries.connection import SQL_DIR, SQLITE_SQL_DIR, index_path_for, open_db

# The queries over the index's own tables are SQLite, kept apart from DuckDB's in sql/sqlite/.
# The one-line key/value reads and writes of `meta` and the row inserts stay inline: each is
# a single statement whose parameters sit beside it.
INDEX_FORMAT = "2"  # bump when the index's tables change: forces a rebuild (2: contentless)
BATCH = 5_000
RANGE = 100_000  # decision numbers per read of a full build: bounded memory at any size
STALE_SHARE = 0.25  # rebuild once replaced letters' dead postings pass this share of the rows


def build_search_index(
    db_path: str | Path,
    index_path: str | Path | None = None,
    *,
    incremental: bool = True,
    con: duckdb.DuckDBPyConnection | None = None,
) -> dict[str, object]:
    """Bring the index in step with the database; `con` reuses an open (writer) connection."""
    started = time.perf_counter()
    index_path = Path(index_path) if index_path else index_path_for(db_path)
    own = con is None
    con = con or open_db(db_path)
    try:
        total = con.execute("select count(*) from decisions").fetchone()[0]
        mode, added = "incremental", 0
        if incremental and _usable(index_path):
            added = _sync(con, index_path)
            rows, stale = _count(index_path)
            if rows != total or stale > STALE_SHARE * max(total, 1):
                mode = "rebuild"
        else:
            mode = "rebuild"
        if mode == "rebuild":
            added = _rebuild(con, index_path)
    finally:
        if own:
            con.close()
    return {"mode": mode, "indexed": added, "total": total,
            "seconds": round(time.perf_counter() - started, 3)}  # fmt: skip


def index_fresh(con: duckdb.DuckDBPyConnection, index_path: str | Path) -> bool:
    """Whether the index covers exactly the stored decisions (cheap: a count, a max, two reads).

    A run killed after its letters were stored but before the index was written leaves the
    index behind the rows; every later run checks this and repairs it."""
    index_path = Path(index_path)
    if not _usable(index_path):
        return False
    total, newest = con.execute(render(SQL_DIR, "index_state")).fetchall()[0]
    try:
        with closing(sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)) as lite:
            docs = _meta_int(lite, "rows")  # count(*) of docs, kept beside it: 0.2-0.7 s
            row = lite.execute("select value from meta where key = 'mark'").fetchone()
            sets_due = term_sets.due(lite, docs)  # an index from before the sets: a sync adds them
            sets_due = sets_due or not bm25.complete(lite)  # ... or before the lengths
            sets_due = sets_due or not term_counts.complete(lite)  # ... or the words' counts
    except sqlite3.DatabaseError:
        return False
    mark = row[0] if row else None
    return (
        docs == total and (mark == (str(newest) if newest is not None else None)) and not sets_due
    )


def _usable(index_path: Path) -> bool:
    if not index_path.exists():
        return False
    try:
        with closing(sqlite3.connect(index_path)) as lite:
            row = lite.execute("select value from meta where key = 'format'").fetchone()
        return bool(row) and row[0] == INDEX_FORMAT
    except sqlite3.DatabaseError:
        return False


def _count(index_path: Path) -> tuple[int, int]:
    """Decisions indexed and still stored; postings left behind by replaced letters."""
    with closing(sqlite3.connect(index_path)) as lite:
        return _meta_int(lite, "rows"), _meta_int(lite, "stale")


def _rebuild(con: duckdb.DuckDBPyConnection, index_path: Path) -> int:
    """Build a new index in a file of its own, then swap it in: readers (and a concurrent
    build, had one slipped past the writer lock) see the old index or the new, never a half."""
    handle, name = tempfile.mkstemp(
        prefix=index_path.name + ".", suffix=".tmp", dir=index_path.parent
    )
    os.close(handle)
    tmp = Path(name)
    try:
        with closing(sqlite3.connect(tmp)) as lite:
            # a private file until the swap: no journal needed, a crash just discards it
            lite.executescript("pragma journal_mode = off; pragma synchronous = off;")
            lite.executescript(render(SQLITE_SQL_DIR, "index_create"))
            term_sets.create(lite)
            bm25.create(lite)
            term_counts.create(lite)
            lite.execute("insert into meta values ('format', ?)", (INDEX_FORMAT,))
            added = _insert_since(con, lite, None)
            lite.execute("insert into fts(fts) values ('optimize')")  # one segment: faster reads
            bm25.fill(lite)  # every row's length, from FTS5's own fts_docsize
            lite.commit()
            # the frequent terms' sets and the words' counts, read from the committed postings
            # by connections of their own, so both before any write: a write that spills the
            # page cache takes the file's exclusive lock, and those readers get "locked"
            sets = term_sets.compute(tmp, term_sets.pick(con))
            counts = term_counts.compute(tmp, term_counts.words_of(sets))
            term_sets.replace(lite, sets, added)
            term_counts.replace(lite, counts)
            lite.commit()
        os.chmod(tmp, 0o644)
        os.replace(tmp, index_path)
    finally:
        tmp.unlink(missing_ok=True)
    return added


def _sync(con: duckdb.DuckDBPyConnection, index_path: Path) -> int:
    with closing(sqlite3.connect(index_path, timeout=30)) as lite:
        term_sets.create(lite)  # an index from before the sets gets the (empty) tables
        bm25.create(lite)  # ... and the lengths' table, filled below
        term_counts.create(lite)  # ... and the words' counts
        row = lite.execute("select value from meta where key = 'mark'").fetchone()
        mark = row[0] if row else None
        rows = _meta_int(lite, "rows")
        sets = counts = None  # both read from the committed postings, before any write
        if term_sets.due(lite, rows):  # no terms yet, or the index grew: (re)pick them
            sets = term_sets.compute(index_path, term_sets.pick(con))
        if sets is not None or not term_counts.complete(lite):  # new terms, or an older index
            words = term_counts.words_of(sets) if sets is not None else term_counts.words(lite)
            counts = term_counts.compute(index_path, words)
        if sets is not None:  # ... written in the sync's transaction
            term_sets.replace(lite, sets, rows)
        if counts is not None:
            term_counts.replace(lite, counts)
        added = _insert_since(con, lite, mark or "0001-01-01")  # one transaction: whole or not
        if not bm25.complete(lite):  # an index from before the lengths: all of them, same commit
            bm25.fill(lite)
        lite.commit()
    return added


def _insert_since(
    con: duckdb.DuckDBPyConnection, lite: sqlite3.Connection, mark: str | None
) -> int:
    """(Re)index the decisions of letters ingested at or after `mark` (all when None).

    The contentless `fts` cannot forget a row, so a sync forgets it in `docs` only: a replaced
    letter's old numbers leave `docs` (their postings stay, matching no stored decision) and
    numbers already indexed (letters tied at the mark) are skipped, never indexed twice."""
    newest = con.execute(render(SQL_DIR, "index_state")).fetchall()[0][1]
    cur = con.cursor()  # its own results, so the caller's connection stays usable
    added = 0
    try:
        if mark is None:
            lo, hi = cur.execute(render(SQL_DIR, "index_span")).fetchall()[0]
            for start in range(lo or 0, (hi or -1) + 1, RANGE):
                cur.execute(render(SQL_DIR, "index_items"), {"lo": start, "hi": start + RANGE})
                added += _insert_rows(cur, lite)
        else:
            todo = _forget_replaced(cur, lite, mark)
            # a list parameter, not a registered Arrow table: registering imports pandas (~1 s)
            cur.execute(render(SQL_DIR, "index_items_listed"), {"numbers": [int(n) for n in todo]})
            with closing(term_counts.scratch()) as mem:  # the new rows once more, for counts
                added = _insert_rows(cur, lite, mem)
                if todo:  # the frequent terms' sets take the new postings in the same transaction
                    term_sets.extend(lite, todo[0], todo[-1])
                    if bm25.complete(lite):  # ... the lengths the new rows (else fill does all)
                        bm25.extend(lite, todo[0], todo[-1])
                    term_counts.extend(lite, mem)  # ... and the words' counts theirs
    finally:
        cur.close()
    _add_meta(lite, "rows", added)  # same transaction as the rows: the count never drifts
    lite.execute("insert or replace into meta values ('mark', ?)",
                 (str(newest) if newest is not None else None,))  # fmt: skip
    return added


def _forget_replaced(cur: duckdb.DuckDBPyConnection, lite: sqlite3.Connection, mark: str) -> list:
    """Drop from `docs` the numbers of re-synced letters no longer stored; the numbers to add."""
    current = cur.execute(render(SQL_DIR, "index_current"), {"mark": mark}).fetchall()
    lite.execute("create temp table if not exists current(letter_id text, decision_no int)")
    lite.execute("delete from temp.current")
    lite.executemany("insert into temp.current values (?, ?)", current)
    before = lite.total_changes
    lite.execute(render(SQLITE_SQL_DIR, "index_drop_stale"))
    dropped = lite.total_changes - before
    _add_meta(lite, "stale", dropped)
    _add_meta(lite, "rows", -dropped)
    known = {r[0] for r in lite.execute(render(SQLITE_SQL_DIR, "index_known"))}
    return sorted({n for _, n in current} - known)


def _insert_rows(
    cur: duckdb.DuckDBPyConnection, lite: sqlite3.Connection, mem: sqlite3.Connection | None = None
) -> int:
    """Index the (decision_no, letter_id, service, rationale) rows of `cur`'s result (and
    tokenize them into `mem`'s scratch table too, when given)."""
    added = 0
    sql = "insert into fts(rowid, service, rationale) values (?, ?, ?)"
    while rows := cur.fetchmany(BATCH):
        lite.executemany("insert into docs(decision_no, letter_id) values (?, ?)",
                         [(r[0], r[1]) for r in rows])  # fmt: skip
        texts = [(r[0], r[2], r[3]) for r in rows]
        lite.executemany(sql, texts)
        if mem is not None:
            mem.executemany(sql, texts)
        added += len(rows)
    return added


def _meta_int(lite: sqlite3.Connection, key: str) -> int:
    row = lite.execute("select value from meta where key = ?", (key,)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _add_meta(lite: sqlite3.Connection, key: str, n: int) -> None:
    total = _meta_int(lite, key) + n
    lite.execute("insert or replace into meta values (?, ?)", (key, str(total)))
