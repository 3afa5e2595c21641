"""Querying the SQLite FTS5 index: user text -> safe MATCH expression -> decision numbers,
scores, snippets.

User words are always quoted as FTS5 strings, so operators and quotes in the text are plain
words; a trailing `*` keeps prefix search. bm25 weights a hit in the service 4x the rationale.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from common.sqlfiles import render
from queries import bm25, term_counts, term_sets
from queries.connection import SQL_DIR, SQLITE_SQL_DIR

_TERM = re.compile(r'"([^"]+)"|([\w][\w\'-]*\*?)')
SNIPPET_TOKENS = 16
RANKED_MAX = 100_000  # hits ranked by bm25 (~0.5 s); more come back unranked, see _cached
CACHED_MATCHES = 4  # a common word's key set is ~26 MB (int64) at 3 M decisions
MISSES_SHARE = 0.5  # a text matching more of the numbers is also given as the numbers it misses


def match_expression(text: str) -> str | None:
    """FTS5 query for `text`: every word or "quoted phrase" must occur (implicit AND)."""
    return " ".join(_terms(text)) or None


def _terms(text: str) -> list[str]:
    """The quoted FTS5 terms of `text`, one per word, "phrase" or prefix*, in order."""
    terms = []
    for phrase, word in _TERM.findall(text or ""):
        raw = phrase or word
        prefix = raw.endswith("*")
        words = re.findall(r"\w+", raw)
        if words:
            terms.append('"' + " ".join(words) + '"' + ("*" if prefix else ""))
    return terms


def connect(index_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{index_path}?mode=ro", uri=True, timeout=5.0)


def match(index_path: Path, text: str) -> pa.Table:
    """All matching decisions: rowid (= decision_no) and score (higher is better)."""
    return _cached(str(index_path), _version(index_path), text, scored=True)


def keys(index_path: Path, text: str) -> pa.Table:
    """All matching decision numbers, unranked (for the text filter): bm25 is most of the cost."""
    return _cached(str(index_path), _version(index_path), text, scored=False)


def ranked(index_path: Path, text: str) -> bool:
    """Whether a search for `text` is ranked by bm25 (at most RANKED_MAX hits, see _cached)."""
    return len(_hits(str(index_path), _version(index_path), text)) <= RANKED_MAX


def stored_hits(index_path: Path, text: str) -> np.ndarray | None:
    """The matching numbers (ascending) when each is a stored decision, else None.

    Every indexed number is stored while the index is fresh (`binding.index_of` checks) and
    holds no replaced letter's dead postings (meta `stale` = 0, as after any rebuild): then a
    search without other filters is counted and paged from the numbers alone, with no join of
    millions of them in DuckDB."""
    with closing(connect(Path(index_path))) as con:
        row = con.execute("select value from meta where key = 'stale'").fetchone()
    if row and row[0] not in (None, "0"):
        return None
    return _hits(str(index_path), _version(index_path), text)


def best(
    index_path: Path, text: str, offset: int, limit: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """The numbers (and scores, None when unranked) of one page of all hits, in search.sql's
    order: score descending, ties and unranked hits by number."""
    if not ranked(index_path, text):
        return _hits(str(index_path), _version(index_path), text)[offset : offset + limit], None
    scored = match(index_path, text)
    numbers = _as_numpy(scored["rowid"], np.int64)
    scores = _as_numpy(scored["score"], np.float64)
    order = np.lexsort((numbers, -scores))[offset : offset + limit]
    return numbers[order], scores[order]


def _as_numpy(column: pa.ChunkedArray, kind: type) -> np.ndarray:
    """Arrow -> numpy without pandas (the columns here are made by as_arrow: no nulls)."""
    parts = [np.frombuffer(c.buffers()[1], dtype=kind)[c.offset : c.offset + len(c)]
             for c in column.chunks]  # fmt: skip
    return parts[0] if len(parts) == 1 else np.concatenate([np.empty(0, kind), *parts])


def _version(index_path: Path) -> tuple[int, int]:
    st = Path(index_path).stat()
    return st.st_size, st.st_mtime_ns


@lru_cache(maxsize=CACHED_MATCHES)
def _cached(index_path: str, version: tuple[int, int], text: str, *, scored: bool) -> pa.Table:
    """A page view asks for the same text several times (count, page, charts): match once.
    `version` (size, mtime) keys the cache, so a re-synced index is read afresh.

    The numbers come back as one comma-joined string parsed by numpy: ~10x faster than a
    Python tuple per row (1.3 s for 3.3 M rows instead of 4-6 s). bm25 costs ~5 us per hit,
    so only sets up to RANKED_MAX hits are ranked; a word in more rows than that (a word in
    more than half the rows has bm25's IDF clamped to ~0 anyway) comes back unranked (score
    NULL, as the ILIKE fallback), and its results are listed in storage (decision_no) order."""
    numbers = _hits(index_path, version, text)  # one match serves both
    table = pa.table({"rowid": as_arrow(numbers)})
    if not scored:
        return table
    if len(numbers) > RANKED_MAX:
        return table.append_column("score", pa.nulls(len(numbers), pa.float64()))
    with closing(connect(Path(index_path))) as con:
        words = _plain_words(con, text)
    score = bm25.scores(Path(index_path), words, numbers) if words else None
    if score is not None:  # the same doubles as FTS5's bm25, from cheaper reads (see bm25)
        return pa.table({"rowid": as_arrow(numbers), "score": as_arrow(score, pa.float64())})
    rows: list[tuple[int, float]] = []
    if len(numbers):  # two halves of the hits on two threads: SQLite releases the GIL
        cuts = [int(numbers[0]), int(numbers[len(numbers) // 2]), int(numbers[-1]) + 1]
        parts = [(index_path, text, lo, hi - 1) for lo, hi in itertools.pairwise(cuts)]
        with ThreadPoolExecutor(len(parts)) as pool:
            rows = [row for part in pool.map(_ranked, *zip(*parts, strict=True)) for row in part]
    pairs = np.array(rows, dtype=np.float64).reshape(-1, 2)  # decision numbers < 2**53
    return pa.table({"rowid": as_arrow(pairs[:, 0].astype(np.int64)),
                     "score": as_arrow(pairs[:, 1], pa.float64())})  # fmt: skip


def _plain_words(con: sqlite3.Connection, text: str) -> list[str] | None:
    """The tokens of `text` when each term is one word that bm25.scores reads cheaply: a word
    in few rows (walked) or a frequent one with stored counts (term_counts); else None (FTS5
    ranks: a phrase, a prefix, or a frequent word of an index without counts)."""
    words = []
    for term in _terms(text):
        found = () if term.endswith("*") else term_sets.tokens(term[1:-1])
        if len(found) != 1:
            return None
        if term_sets.listed_term(con, found[0]) and not term_counts.counted(con, found[0]):
            return None
        words.append(found[0])
    return words


def _ranked(index_path: str, text: str, lo: int, hi: int) -> list[tuple[int, float]]:
    with closing(connect(Path(index_path))) as con:
        weights = ", ".join(str(w) for w in bm25.WEIGHTS)
        sql = render(SQLITE_SQL_DIR, "fts_match", score=f"-bm25(fts, {weights})")
        return con.execute(sql, (match_expression(text), lo, hi)).fetchall()


def misses(index_path: Path, text: str, *, above: float = MISSES_SHARE) -> pa.Table | None:
    """For a text matching most rows: the numbers up to the index's highest that it misses.

    While the index is fresh every stored decision_no is at most the highest indexed one, so
    `decision_no not in misses` selects exactly the matches, and a word in 98 % of the rows
    joins 60 k numbers instead of 3.3 M (a hash table 50x smaller). None when the matches are
    the smaller set, or when they are at most `above` of the numbers (a caller whose bitstring
    path is cheaper up to a higher share asks for the misses only above it)."""
    return _misses(str(index_path), _version(index_path), text, above)


@lru_cache(maxsize=CACHED_MATCHES)
def _misses(index_path: str, version: tuple[int, int], text: str, above: float) -> pa.Table | None:
    hits = _hits(index_path, version, text)
    with closing(connect(Path(index_path))) as con:
        top = con.execute(render(SQLITE_SQL_DIR, "fts_top")).fetchall()[0][0] or 0
    if len(hits) <= top * max(above, MISSES_SHARE):
        return None
    mask = np.ones(top + 1, dtype=bool)
    mask[0] = False
    mask[hits] = False
    return pa.table({"rowid": as_arrow(np.flatnonzero(mask))})


def numbers(index_path: Path, text: str) -> np.ndarray:
    """The matching decision numbers, ascending (cached with the other forms of the text)."""
    return _hits(str(index_path), _version(index_path), text)


def bits(index_path: Path, text: str) -> bytes:
    """The matches as one bit per decision number (numpy's big-endian bit order, DuckDB's for
    a BIT cast from a BLOB), through the highest match plus one unset bit: the text filter
    looks each row's bit up (`Filters.where(text_bits=...)`) instead of joining millions of
    numbers (a hash table of 1.6 M numbers for a word in half the rows)."""
    return _bits(str(index_path), _version(index_path), text)


@lru_cache(maxsize=CACHED_MATCHES)
def _bits(index_path: str, version: tuple[int, int], text: str) -> bytes:
    hits = _hits(index_path, version, text)
    mask = np.zeros((int(hits[-1]) if len(hits) else 0) + 2, dtype=bool)
    mask[hits] = True
    return np.packbits(mask).tobytes()


def as_arrow(values: np.ndarray, kind: pa.DataType | None = None) -> pa.Array:
    """numpy -> Arrow over the same buffer. (`pa.array` of an ndarray or a list, and
    `.to_numpy()`, import pandas on first use: half a second on a first search.)"""
    kind = kind or pa.int64()
    values = np.ascontiguousarray(values, dtype=kind.to_pandas_dtype())
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])


@lru_cache(maxsize=CACHED_MATCHES)
def _hits(index_path: str, version: tuple[int, int], text: str) -> np.ndarray:
    """The matching numbers, ascending. A term that is one frequent token (or a frequent
    phrase of two) is read from its precomputed set (term_sets: a word in most rows costs blob
    reads, not a doclist walk and a string of millions of numbers); the other terms go to
    FTS5, and the two are intersected (the terms are ANDed either way)."""
    terms = _terms(text)
    if not terms:
        return np.empty(0, np.int64)
    sets, rest = [], []
    with closing(connect(Path(index_path))) as con:
        for term in terms:
            found = None
            listed = None if term.endswith("*") else term_sets.name(term_sets.tokens(term[1:-1]))
            if listed is not None:  # a word, or a phrase of two: maybe a frequent one's set
                found = term_sets.hits(con, listed)
            (rest if found is None else sets).append(term if found is None else found)
        if rest:
            sql = render(SQLITE_SQL_DIR, "fts_numbers")
            joined = con.execute(sql, (" ".join(rest),)).fetchall()[0][0]
            numbers = np.fromstring(joined or "", dtype=np.int64, sep=",")
    if not rest:
        size = min(len(s) for s in sets)
        both = sets[0][:size] if len(sets) == 1 else np.logical_and.reduce([s[:size] for s in sets])
        numbers = np.flatnonzero(both)
    else:
        for bits in sets:
            numbers = numbers[numbers < len(bits)]
            numbers = numbers[bits[numbers]]
    return numbers.astype(np.int64, copy=False)


def snippets(con: duckdb.DuckDBPyConnection, text: str, rowids: list[int]) -> dict[int, str]:
    """Short excerpt per decision_no with matched terms wrapped in ** (Markdown bold).

    The index keeps no text, so the page's rows are read from DuckDB into an in-memory FTS5
    table with the index's tokenizer, and FTS5's own snippet() runs the same MATCH there:
    the same highlighting (stems included) as a stored copy would give, for ~50 rows."""
    expr = match_expression(text)
    if not expr or not rowids:
        return {}
    params = {f"n_{i}": int(n) for i, n in enumerate(rowids)}
    marks = ", ".join(f"${name}" for name in params)
    rows = con.execute(render(SQL_DIR, "snippet_texts", marks=marks), params).fetchall()
    with closing(sqlite3.connect(":memory:")) as page:
        page.executescript(render(SQLITE_SQL_DIR, "snippet_create"))
        page.executemany("insert into page(rowid, service, rationale) values (?, ?, ?)", rows)
        sql = render(SQLITE_SQL_DIR, "fts_snippets", tokens=str(SNIPPET_TOKENS))
        return dict(page.execute(sql, (expr,)).fetchall())
