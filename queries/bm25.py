"""FTS5's bm25 recomputed in numpy, bit for bit, for a search of single words.

FTS5's bm25() costs ~5 us a hit: per row it walks the positions through its auxiliary-function
API and seeks the row's length in `fts_docsize` (random reads while the file is cold), so a
word in 90 k rows pays ~0.5 s. The same numbers come from cheaper reads: each word's
(row, column) occurrences from fts5vocab (one walk of its doclist in C), the rows' lengths
from `doc_sizes` (arrays kept beside the postings, see doc_sizes_create.sql), and the row count
and token total from FTS5's averages record. The formula and its order of float operations are
fts5_aux.c's (fts5Bm25Function), so the scores are the same doubles (tests compare them).
"""

from __future__ import annotations

import math
import sqlite3
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import TypeVar

import numpy as np

from common.sqlfiles import render
from queries import term_counts
from queries.connection import SQLITE_SQL_DIR

WEIGHTS = term_counts.WEIGHTS  # per column (service, rationale): a service hit counts 4x
T = TypeVar("T")
K1, B = 1.2, 0.75  # fts5_aux.c's constants
BLOCK = 1 << 16  # decision numbers per doc_sizes row (128 KB unpacked as uint16)


def create(lite: sqlite3.Connection) -> None:
    lite.executescript(render(SQLITE_SQL_DIR, "doc_sizes_create"))


def complete(lite: sqlite3.Connection) -> bool:
    """Whether `doc_sizes` covers every indexed row (meta 'sizes', written with them)."""
    try:
        row = lite.execute("select value from meta where key = 'sizes'").fetchone()
    except sqlite3.OperationalError:
        return False
    return bool(row) and row[0] == "1"


def extend(lite: sqlite3.Connection, lo: int, hi: int) -> None:
    """Store the lengths of the rows numbered in [lo, hi] (in the caller's transaction, after
    their postings); `fill` does every row."""
    sql = render(SQLITE_SQL_DIR, "doc_size_rows")
    for start in range(lo - lo % BLOCK, hi + 1, BLOCK):
        rows = lite.execute(sql, (max(lo, start), min(hi, start + BLOCK - 1))).fetchall()
        if not rows:
            continue
        block = start // BLOCK
        found = lite.execute("select sizes from doc_sizes where block = ?", (block,)).fetchone()
        sizes = _unpack(found[0]).astype(np.uint32) if found else np.zeros(BLOCK, np.uint32)
        for number, sz in rows:
            sizes[number % BLOCK] = _size(sz)
        lite.execute("insert or replace into doc_sizes values (?, ?)", (block, _pack(sizes)))


def fill(lite: sqlite3.Connection) -> None:
    """Every indexed row's length, then mark the table complete (same transaction)."""
    top = lite.execute(render(SQLITE_SQL_DIR, "fts_top")).fetchone()[0]
    lite.execute("delete from doc_sizes")
    if top is not None:
        extend(lite, 0, top)
    lite.execute("insert or replace into meta values ('sizes', '1')")


def scores(index_path: Path, words: list[str], hits: np.ndarray) -> np.ndarray | None:
    """bm25 (higher is better, as -bm25(fts, *WEIGHTS)) of the query ANDing `words` (tokens
    as the index stores them, in query order) for its matching numbers `hits` (ascending).
    None when the lengths are not stored or a word's counts disagree with `hits`.

    A word with stored counts (term_counts: the frequent words) is read at the hits; another
    is walked (fts5vocab: cheap for a word in few rows). The lengths and each word run on two
    threads (SQLite releases the GIL)."""
    if not len(hits):
        return None
    with ThreadPoolExecutor(2) as pool:
        lengths = pool.submit(_read, index_path, lambda lite: _lengths(lite, hits))
        counts = [pool.submit(_read, index_path, lambda lite, w=w: _counts(lite, w, hits))
                  for w in words]  # fmt: skip
        found = lengths.result()
        if found is None:
            return None
        (rows, tokens), sizes = found
        avgdl = float(tokens) / float(rows)
        norm = K1 * ((1 - B) + (B * sizes.astype(np.float64)) / avgdl)
        score = np.zeros(len(hits), np.float64)
        for count in counts:
            docs, f = count.result()
            if docs is None:
                return None  # not every hit holds the word: not this query's hits
            idf = math.log((float(rows - docs) + 0.5) / (docs + 0.5))
            idf = 1e-6 if idf <= 0.0 else idf  # fts5_aux.c clamps a word in most rows
            score = score + idf * ((f * (K1 + 1.0)) / (f + norm))
    return score


def _counts(lite: sqlite3.Connection, word: str, hits: np.ndarray) -> tuple[int | None, np.ndarray]:
    """(rows holding `word` in the index, its weighted count in each hit as float64); the
    rows None when a hit does not hold it."""
    stored = term_counts.at(lite, word, hits)
    if stored is not None:
        docs, f = stored
        return (docs if f.all() else None), f.astype(np.float64)
    found, freq = term_counts.occurrences(lite, word)
    at = np.searchsorted(found, hits)
    if at.max() >= len(found) or not np.array_equal(found[at], hits):
        return None, freq[:0]
    return len(found), freq[at]


def _read(index_path: Path, work: Callable[[sqlite3.Connection], T]) -> T:
    with closing(sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)) as lite:
        return work(lite)


def _lengths(
    lite: sqlite3.Connection, hits: np.ndarray
) -> tuple[tuple[int, int], np.ndarray] | None:
    """(rows, tokens) of the averages record and the hits' lengths; None if not stored."""
    if not complete(lite):
        return None
    return _averages(lite), _sizes(lite, hits)


def _sizes(lite: sqlite3.Connection, numbers: np.ndarray) -> np.ndarray:
    """The stored lengths of `numbers` (ascending), block by block. (No np.unique: its first
    call imports numpy.ma, ~0.1 s of a first search.)"""
    block_of = numbers // BLOCK
    starts = np.flatnonzero(np.diff(block_of, prepend=-1))
    bounds, blocks = [*starts.tolist(), len(numbers)], block_of[starts].tolist()
    marks = ", ".join("?" * len(blocks))
    found = dict(lite.execute(f"select block, sizes from doc_sizes where block in ({marks})",
                              blocks).fetchall())  # fmt: skip
    out = np.zeros(len(numbers), np.uint32)
    for block, lo, hi in zip(blocks, bounds, bounds[1:], strict=False):
        out[lo:hi] = _unpack(found[block])[numbers[lo:hi] % BLOCK]
    return out


def _averages(lite: sqlite3.Connection) -> tuple[int, int]:
    """(rows, tokens in all columns) from FTS5's averages record."""
    values = _varints(lite.execute(render(SQLITE_SQL_DIR, "fts_averages")).fetchone()[0])
    return values[0], sum(values[1:])


def _size(sz: bytes) -> int:
    return sum(_varints(sz))


def _varints(blob: bytes) -> list[int]:
    """SQLite's varints (big-endian 7-bit groups; a 9th byte holds 8 bits), as FTS5 writes."""
    out, i = [], 0
    while i < len(blob):
        value = 0
        for n in range(9):
            byte = blob[i]
            i += 1
            if n == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        out.append(value)
    return out


def _pack(sizes: np.ndarray) -> bytes:
    """uint16 while every length fits (half the bytes to inflate), else uint32."""
    kind = "<u2" if int(sizes.max(initial=0)) < 1 << 16 else "<u4"
    return zlib.compress(sizes.astype(kind).tobytes(), 1)


def _unpack(blob: bytes) -> np.ndarray:
    raw = zlib.decompress(blob)
    return np.frombuffer(raw, dtype="<u2" if len(raw) == 2 * BLOCK else "<u4")
