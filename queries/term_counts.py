"""Per-row weighted counts of the frequent words (those with a hit set), for bm25 in numpy.

bm25 of an AND such as "documentation zolpidem" adds the frequent word's term-frequency part
(times an IDF clamped to 1e-6 for a word in most rows), so the exact score needs that word's
count in every hit. FTS5 gets it by walking the word's 3.3 M rows (bm25(): ~0.6 s for 57 k
hits), and so would fts5vocab. Stored here instead: for each single-word term of `term_list`,
its weighted count (service x4 + rationale, as bm25.WEIGHTS) in every row, as arrays of BLOCK
counts per block of decision numbers (uint8, wider if a count needs it; zlib), with the block's
number of rows holding the word (their sum is bm25's document count for the word).

Computed from the index's own postings (fts5vocab) when the terms are (re)picked; a sync adds
its new rows' counts by tokenizing them once more in an in-memory FTS5 table with the index's
tokenizer, in the transaction that writes their postings. Dead postings of replaced letters
keep their counts, as FTS5 keeps them in its document counts.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import numpy as np

from common.sqlfiles import render
from queries.connection import SQLITE_SQL_DIR

WEIGHTS = (4.0, 1.0)  # bm25's per column (service, rationale): a hit in the service counts 4x
BLOCK = 1 << 16  # decision numbers per row of term_counts (as bm25's doc_sizes)
VERSION = "1"  # meta 'counts': every single-word listed term has its counts


def create(lite: sqlite3.Connection) -> None:
    """The table, empty. Run outside a transaction (executescript commits)."""
    lite.executescript(render(SQLITE_SQL_DIR, "term_counts_create"))


def complete(lite: sqlite3.Connection) -> bool:
    try:
        row = lite.execute("select value from meta where key = 'counts'").fetchone()
    except sqlite3.OperationalError:
        return False
    return bool(row) and row[0] == VERSION


def counted(lite: sqlite3.Connection, word: str) -> bool:
    """Whether `word` (a token) has stored counts."""
    if not complete(lite):
        return False
    sql = "select 1 from term_counts where term = ? limit 1"
    return lite.execute(sql, (word,)).fetchone() is not None


def words(lite: sqlite3.Connection) -> list[str]:
    """The terms of `term_list` that get counts (see words_of)."""
    try:
        return words_of(r[0] for r in lite.execute("select term from term_list"))
    except sqlite3.OperationalError:  # no sets in this index
        return []


def words_of(terms: Iterable[str]) -> list[str]:
    """The single words among listed terms: a two-word phrase's count is not one token's."""
    return [t for t in terms if " " not in t]


def compute(index_path: Path, terms: Sequence[str]) -> dict[str, list[tuple[str, int, int, bytes]]]:
    """Every term's count blocks over the committed index, on two threads (one fts5vocab walk
    of each word's doclist in C; SQLite releases the GIL)."""

    def part(names: Sequence[str]) -> dict[str, list[tuple[str, int, int, bytes]]]:
        with closing(sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)) as lite:
            return {t: _blocks(t, *occurrences(lite, t)) for t in names}

    halves = [list(terms[0::2]), list(terms[1::2])]
    with ThreadPoolExecutor(2) as pool:
        found = list(pool.map(part, halves))
    return {t: found[i % 2][t] for i, t in enumerate(terms)}


def replace(lite: sqlite3.Connection, counts: dict[str, list[tuple[str, int, int, bytes]]]) -> None:
    """Swap in every listed word's counts (the caller's transaction commits them)."""
    lite.execute("delete from term_counts")
    for blocks in counts.values():
        lite.executemany("insert into term_counts values (?, ?, ?, ?)", blocks)
    lite.execute("insert or replace into meta values ('counts', ?)", (VERSION,))


def scratch() -> sqlite3.Connection:
    """An in-memory FTS5 table like the index's, for the rows a sync adds (see `extend`)."""
    mem = sqlite3.connect(":memory:")
    mem.executescript(render(SQLITE_SQL_DIR, "term_counts_scratch"))
    return mem


def extend(lite: sqlite3.Connection, mem: sqlite3.Connection) -> None:
    """Add the counts of the rows in `mem` (the rows just indexed, same numbers and text) to
    every counted word, in the caller's transaction. Their numbers are new: set, not added."""
    if not complete(lite):
        return
    for term in words(lite):
        docs, freq = occurrences(mem, term)
        if not len(docs):
            continue
        for part in np.split(np.arange(len(docs)), np.flatnonzero(np.diff(docs // BLOCK)) + 1):
            block = int(docs[part[0]] // BLOCK)
            sql = "select counts from term_counts where term = ? and block = ?"
            found = lite.execute(sql, (term, block)).fetchone()
            counts = _unpack(found[0]).astype(np.uint32) if found else np.zeros(BLOCK, np.uint32)
            counts[docs[part] % BLOCK] = freq[part]
            lite.execute("insert or replace into term_counts values (?, ?, ?, ?)",
                         (term, block, int(np.count_nonzero(counts)), _pack(counts)))  # fmt: skip


def at(lite: sqlite3.Connection, term: str, hits: np.ndarray) -> tuple[int, np.ndarray] | None:
    """(rows holding `term` in the whole index, its weighted count in each of `hits`), or None
    when the term has no stored counts."""
    if not complete(lite):
        return None
    docs = lite.execute("select sum(docs) from term_counts where term = ?", (term,)).fetchone()[0]
    if docs is None:
        return None
    block_of = hits // BLOCK
    starts = np.flatnonzero(np.diff(block_of, prepend=-1))
    bounds, blocks = [*starts.tolist(), len(hits)], block_of[starts].tolist()
    marks = ", ".join("?" * len(blocks))
    sql = f"select block, counts from term_counts where term = ? and block in ({marks})"
    found = dict(lite.execute(sql, [term, *blocks]).fetchall())
    out = np.zeros(len(hits), np.uint32)
    for block, lo, hi in zip(blocks, bounds, bounds[1:], strict=False):
        if block in found:
            out[lo:hi] = _unpack(found[block])[hits[lo:hi] % BLOCK]
    return int(docs), out


def occurrences(lite: sqlite3.Connection, word: str) -> tuple[np.ndarray, np.ndarray]:
    """The rows holding `word` (ascending) and its weighted count in each (float64), walked
    from the index's postings (fts5vocab: one walk of the word's doclist in C)."""
    lite.execute("create virtual table if not exists temp.fts_instances "
                 "using fts5vocab(main, fts, instance)")  # fmt: skip
    joined = lite.execute(render(SQLITE_SQL_DIR, "term_instances"), (word,)).fetchone()[0]
    coded = np.fromstring(joined or "", dtype=np.int64, sep=",")
    docs = coded >> 1
    if len(docs) > 1 and (np.diff(docs) < 0).any():
        order = np.argsort(docs, kind="stable")
        docs, coded = docs[order], coded[order]
    weight = np.where(coded & 1, WEIGHTS[0], WEIGHTS[1])
    starts = np.flatnonzero(np.diff(docs, prepend=-1)) if len(docs) else np.empty(0, np.int64)
    return docs[starts], np.add.reduceat(weight, starts) if len(starts) else weight


def _blocks(term: str, docs: np.ndarray, freq: np.ndarray) -> list[tuple[str, int, int, bytes]]:
    """Rows of one term's counts: (term, block, rows holding it, packed counts)."""
    out = []
    if not len(docs):
        return out
    for part in np.split(np.arange(len(docs)), np.flatnonzero(np.diff(docs // BLOCK)) + 1):
        counts = np.zeros(BLOCK, np.uint32)
        counts[docs[part] % BLOCK] = freq[part]
        out.append((term, int(docs[part[0]] // BLOCK), len(part), _pack(counts)))
    return out


def _pack(counts: np.ndarray) -> bytes:
    """uint8 while every count fits (most do), else uint16 or uint32."""
    top = int(counts.max(initial=0))
    kind = "<u1" if top < 1 << 8 else "<u2" if top < 1 << 16 else "<u4"
    return zlib.compress(counts.astype(kind).tobytes(), 1)


def _unpack(blob: bytes) -> np.ndarray:
    raw = zlib.decompress(blob)
    return np.frombuffer(raw, dtype={BLOCK: "<u1", 2 * BLOCK: "<u2"}.get(len(raw), "<u4"))
