"""Precomputed hit sets of the full-text index's most frequent terms and two-term phrases.

FTS5 answers a word in most rows by walking millions of postings and handing the numbers to
Python as one comma-joined string: 2-3 s for a word in 98 % of 3.3 M decisions, most of it
in the string. A bitmap per frequent term (blocks of BLOCK numbers, zlib) answers the same
word with ~50 small blob reads. The terms are those in at least SHARE of a sample of the
stored text; their sets are computed from the index itself and every sync extends them in
the transaction that writes the new postings, so a listed term's set is always exactly the
rowids FTS5 would return for it (dead postings of replaced letters included).
"""

from __future__ import annotations

import math
import sqlite3
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np

from common.sqlfiles import render
from queries.connection import SQL_DIR, SQLITE_SQL_DIR

BLOCK = 1 << 16  # decision numbers per bitmap block (8 KB unpacked)
SHARE = 0.05  # a term in this share of the sample's rows gets a set
SAMPLE = 20_000  # decisions read to pick the terms
MAX_TERMS = 2_000
MAX_PHRASES = 1_000
PICK = "2"  # the picking rule's version (2: two-term phrases too): an older pick is re-done
OFFSET_BITS = 20  # a token's offset in its column, within a sample occurrence's key
GROWTH = 4  # re-pick once the index holds this many times the rows it had at the pick
TOKENIZER = "porter unicode61"  # the index's (index_create.sql)


def create(lite: sqlite3.Connection) -> None:
    """The tables, empty (no term listed: every word takes FTS5). Run outside a transaction."""
    lite.executescript(render(SQLITE_SQL_DIR, "term_sets_create"))


@lru_cache(maxsize=1024)
def tokens(phrase: str) -> tuple[str, ...]:
    """The terms the index's tokenizer makes of `phrase`, in order (stems, folded case)."""
    with closing(sqlite3.connect(":memory:")) as mem:
        mem.execute(f"create virtual table t using fts5(x, tokenize = '{TOKENIZER}')")
        mem.execute("create virtual table v using fts5vocab(t, instance)")
        mem.execute("insert into t values (?)", (phrase,))
        return tuple(r[0] for r in mem.execute("select term from v order by offset"))


def pick(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The terms in at least SHARE of an evenly spaced sample of the stored decisions, then
    the two-term phrases ("function improv") in as many.

    Only terms the tokenizer maps to themselves are kept: a set is computed by querying the
    term, and a stem that stems again would query another term."""
    total = con.execute("select count(*) from decisions").fetchall()[0][0]
    step = max(1, total // SAMPLE)
    rows = con.execute(render(SQL_DIR, "index_sample"), {"step": step}).fetchall()
    if not rows:
        return []
    with closing(sqlite3.connect(":memory:")) as mem:
        mem.execute(
            f"create virtual table sample using fts5(service, rationale, tokenize = '{TOKENIZER}')"
        )
        mem.execute("create virtual table sample_terms using fts5vocab(sample, row)")
        mem.execute("create virtual table sample_instances using fts5vocab(sample, instance)")
        mem.executemany("insert into sample values (?, ?)", rows)
        need = max(1, math.ceil(SHARE * len(rows)))
        found = mem.execute(render(SQLITE_SQL_DIR, "term_counts"), (need, MAX_TERMS)).fetchall()
        terms = [term for term, _ in found if tokens(term) == (term,)]
        return terms + _phrases(mem, terms, need, len(rows))


def _phrases(mem: sqlite3.Connection, terms: list[str], need: int, rows: int) -> list[str]:
    """The pairs of `terms` adjacent (same row and column, consecutive offsets) in at least
    `need` of the sample's rows, the most frequent first: a phrase of two frequent words makes
    FTS5 walk both words' positions (~1 s for "functional improvement" at 3.3 M rows)."""
    keys, ids = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    sql = render(SQLITE_SQL_DIR, "sample_instances", shift=str(OFFSET_BITS))
    for i, term in enumerate(terms):
        found = np.fromstring(mem.execute(sql, (term,)).fetchone()[0] or "", np.int64, sep=",")
        keys.append(found)
        ids.append(np.full(len(found), i, np.int64))
    key, term_of = np.concatenate(keys), np.concatenate(ids)
    order = np.argsort(key, kind="stable")
    key, term_of = key[order], term_of[order]
    # consecutive keys: the same row and column, next offset (an offset never carries over)
    first = np.flatnonzero((np.diff(key) == 1) & ((key[:-1] + 1) % (1 << OFFSET_BITS) != 0))
    pair = term_of[first] * len(terms) + term_of[first + 1]
    per_row = np.unique(pair * (rows + 1) + (key[first] >> (OFFSET_BITS + 1)))
    pairs, counts = np.unique(per_row // (rows + 1), return_counts=True)
    keep = np.flatnonzero(counts >= need)
    keep = keep[np.lexsort((pairs[keep], -counts[keep]))][:MAX_PHRASES]
    names = [f"{terms[p // len(terms)]} {terms[p % len(terms)]}" for p in pairs[keep].tolist()]
    return [name for name in names if tokens(name) == tuple(name.split(" "))]


def listed(lite: sqlite3.Connection) -> bool:
    try:
        return lite.execute("select 1 from term_list limit 1").fetchone() is not None
    except sqlite3.OperationalError:  # an index from before the sets: no table yet
        return False


def due(lite: sqlite3.Connection, rows: int) -> bool:
    """Whether the terms must be (re)picked: none yet, picked by an older rule (PICK), or the
    index grew GROWTH-fold since."""
    found = lite.execute("select value from meta where key = 'term_rows'").fetchone()
    rule = lite.execute("select value from meta where key = 'term_pick'").fetchone()
    return found is None or rule != (PICK,) or rows > GROWTH * max(int(found[0]), 1)


def compute(index_path: Path, terms: list[str]) -> dict[str, list[tuple[str, int, bytes]]]:
    """Every term's set (block rows) over the committed index, on two threads (SQLite releases
    the GIL while it walks a doclist); each term's numbers are packed as soon as read."""

    def numbers_of(part: list[str]) -> dict[str, list[tuple[str, int, bytes]]]:
        with closing(sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)) as lite:
            return {t: _blocks(t, _numbers(lite, t, 0, 2**62)) for t in part}

    halves = [terms[0::2], terms[1::2]]
    with ThreadPoolExecutor(2) as pool:
        found = [d for d in pool.map(numbers_of, halves)]
    return {t: found[i % 2][t] for i, t in enumerate(terms)}


def replace(
    lite: sqlite3.Connection, sets: dict[str, list[tuple[str, int, bytes]]], rows: int
) -> None:
    """Swap in a new list and its sets (the caller's transaction commits them)."""
    lite.execute("delete from term_bits")
    lite.execute("delete from term_list")
    lite.executemany("insert into term_list values (?)", [(t,) for t in sets])
    for blocks in sets.values():
        lite.executemany("insert into term_bits values (?, ?, ?)", blocks)
    lite.execute("insert or replace into meta values ('term_rows', ?)", (str(rows),))
    lite.execute("insert or replace into meta values ('term_pick', ?)", (PICK,))


def extend(lite: sqlite3.Connection, lo: int, hi: int) -> None:
    """Add the postings numbered in [lo, hi] (just inserted, same transaction) to every set.
    Setting a bit twice is harmless, so numbers indexed before in that range change nothing."""
    terms = [r[0] for r in lite.execute("select term from term_list")]
    for term in terms:
        numbers = _numbers(lite, term, lo, hi)
        for _, block, fresh in _blocks(term, numbers):
            found = lite.execute("select bits from term_bits where term = ? and block = ?",
                                 (term, block)).fetchone()  # fmt: skip
            bits = _unpack(fresh) | (_unpack(found[0]) if found else False)
            lite.execute("insert or replace into term_bits values (?, ?, ?)",
                         (term, block, _pack(bits)))  # fmt: skip


def name(words: tuple[str, ...]) -> str | None:
    """The listed name a term or phrase of `words` (tokens) would have: one or two of them."""
    return " ".join(words) if 1 <= len(words) <= 2 else None


def listed_term(lite: sqlite3.Connection, term: str) -> bool:
    try:
        found = lite.execute("select 1 from term_list where term = ?", (term,)).fetchone()
    except sqlite3.OperationalError:  # no sets in this index
        return False
    return found is not None


def hits(lite: sqlite3.Connection, term: str) -> np.ndarray | None:
    """A listed term's matching numbers as a bool array indexed by number; None if unlisted."""
    try:
        if lite.execute("select 1 from term_list where term = ?", (term,)).fetchone() is None:
            return None
        rows = lite.execute("select block, bits from term_bits where term = ? order by block",
                            (term,)).fetchall()  # fmt: skip
    except sqlite3.OperationalError:  # no sets in this index
        return None
    out = np.zeros((rows[-1][0] + 1) * BLOCK if rows else 0, dtype=bool)
    for block, bits in rows:
        out[block * BLOCK : (block + 1) * BLOCK] = _unpack(bits)
    return out


def _numbers(lite: sqlite3.Connection, term: str, lo: int, hi: int) -> np.ndarray:
    sql = render(SQLITE_SQL_DIR, "term_numbers")
    joined = lite.execute(sql, ('"' + term + '"', lo, hi)).fetchone()[0]
    return np.fromstring(joined or "", dtype=np.int64, sep=",")


def _blocks(term: str, numbers: np.ndarray) -> list[tuple[str, int, bytes]]:
    """Block rows of a term's (ascending) numbers; a block without a hit is left out."""
    if not len(numbers):
        return []
    blocks = numbers // BLOCK
    out = []
    for part in np.split(numbers, np.flatnonzero(np.diff(blocks)) + 1):
        bits = np.zeros(BLOCK, dtype=bool)
        bits[part % BLOCK] = True
        out.append((term, int(part[0] // BLOCK), _pack(bits)))
    return out


def _pack(bits: np.ndarray) -> bytes:
    return zlib.compress(np.packbits(bits, bitorder="little").tobytes(), 1)


def _unpack(blob: bytes) -> np.ndarray:
    packed = np.frombuffer(zlib.decompress(blob), dtype=np.uint8)
    return np.unpackbits(packed, bitorder="little").view(bool)
