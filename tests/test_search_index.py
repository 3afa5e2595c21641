"""The contentless, decision_no-keyed index on the demo corpus: the text filter, ranking and
snippets agree with an independent recomputation and with an index holding a copy of the text."""

from __future__ import annotations

import random
import shutil
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime

import duckdb
import numpy as np
import polars as pl
import pytest

import queries as q
from demo.cases import draw_letter
from demo.tables import tables
from ingest import store
from ingest.rows import decision_rows, letter_row
from queries import bm25, fulltext, search_index, term_counts, term_sets
from queries.derived import derived_fresh, refresh_derived
from queries.fulltext import match_expression
from tests.dbcache import once_per_run
from tests.keptdb import kept, plain

# Words whose porter stem no other word of the corpus shares: a word-bounded regex is the
# same selection (stemming aside, as in test_queries_filters_everywhere).
EXACT = ["zolpidem", "acupuncture", "tramadol"]
QUERIES = [*EXACT, "documentation", '"functional improvement"', "documented improvements", "radic*"]


@once_per_run
def demo_db(path, n_letters: int = 400, seed: int = 5):
    """Letters drawn by the demo generator, rows by the real normaliser, stored by the store."""
    add_letters(path, 0, n_letters, day=1, seed=seed)
    with store.connect(path) as con:
        refresh_derived(con)
    q.build_search_index(path)
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator:
    yield from kept(demo_db(tmp_path_factory.mktemp("demo") / "imr.duckdb"))  # copied to write


@pytest.fixture(scope="module")
def raw(db):
    with plain(db) as con:
        return con.sql("select decision_no, letter_id, item_no, service, rationale, "
                       "service_category from decisions").pl()  # fmt: skip


@pytest.fixture(scope="module")
def stored_copy(raw):
    """The index as it was before: FTS5 with its own copy of the text, rowid = decision_no."""
    lite = sqlite3.connect(":memory:")
    lite.execute("create virtual table fts using fts5(service, rationale, "
                 "tokenize = 'porter unicode61')")  # fmt: skip
    lite.executemany(
        "insert into fts(rowid, service, rationale) values (?, ?, ?)",
        raw.select("decision_no", "service", pl.col("rationale").fill_null("")).rows(),
    )
    yield lite
    lite.close()


def old_results(lite: sqlite3.Connection, text: str) -> dict[int, tuple[float, str]]:
    sql = ("select rowid, -bm25(fts, 4.0, 1.0), snippet(fts, -1, '**', '**', '…', 16) "
           "from fts where fts match ?")  # fmt: skip
    return {r: (s, snip) for r, s, snip in lite.execute(sql, (match_expression(text),))}


@pytest.mark.parametrize("text", QUERIES)
def test_matches_scores_and_snippets_equal_a_stored_copy(db, raw, stored_copy, text):
    old = old_results(stored_copy, text)
    assert 0 < len(old) < raw.height
    index = search_index.index_path_for(db)
    hits = fulltext.match(index, text)
    assert sorted(hits["rowid"].to_pylist()) == sorted(old)
    for rowid, score in zip(hits["rowid"].to_pylist(), hits["score"].to_pylist(), strict=True):
        assert score == pytest.approx(old[rowid][0], rel=1e-9)  # bm25 works contentless
    with q.open_db(db) as con:
        page = q.search(con, text, q.Filters(), limit=len(old))
        snippets = fulltext.snippets(con, text, list(old))
    assert snippets == {r: v[1] for r, v in old.items()}  # identical highlighting
    number = dict(zip(zip(raw["letter_id"], raw["item_no"], strict=True), raw["decision_no"],
                      strict=True))  # fmt: skip
    for row in page.iter_rows(named=True):
        assert row["snippet"] == old[number[(row["letter_id"], row["item_no"])]][1]
    assert page["score"].to_list() == sorted(page["score"].to_list(), reverse=True)


@pytest.mark.parametrize("word", EXACT)
def test_the_text_filter_is_the_word_in_every_query(db, raw, word):
    regex = rf"(?i)\b{word}\b"
    want = raw.filter(
        pl.col("service").str.contains(regex)
        | pl.col("rationale").fill_null("").str.contains(regex)
    )
    keys = set(zip(want["letter_id"], want["item_no"], strict=True))
    f = q.Filters(text=word)
    with q.open_db(db) as con:
        assert derived_fresh(con)  # the decision_facts path, joined on decision_no
        page = q.decisions(con, f, limit=10_000)
        assert set(zip(page["letter_id"], page["item_no"], strict=True)) == keys
        assert q.decision_count(con, f) == len(keys)
        assert q.summary(con, f).row(0, named=True)["decisions"] == len(keys)
        assert q.search_count(con, word, q.Filters()) == len(keys)
        assert q.search(con, word, q.Filters(), limit=10_000).height == len(keys)


def test_the_substring_fallback_agrees_without_an_index(db, tmp_path):
    bare = tmp_path / "imr.duckdb"
    shutil.copy(db, bare)
    for word in EXACT:
        f = q.Filters(text=word)
        with q.open_db(db) as indexed, q.open_db(bare) as scanned:
            assert q.decision_count(indexed, f) == q.decision_count(scanned, f) > 0


def test_a_replaced_letter_leaves_dead_postings_that_join_nothing(db, tmp_path, monkeypatch):
    copy = tmp_path / "imr.duckdb"
    shutil.copy(db, copy)
    q.build_search_index(copy)
    with duckdb.connect(str(copy)) as con:
        letter = con.execute("select letter_id from decisions where rationale ilike '%zolpidem%' "
                             "limit 1").fetchall()[0][0]  # fmt: skip
        old = {r[0] for r in con.execute("select decision_no from decisions where letter_id = ?",
                                         [letter]).fetchall()}  # fmt: skip
        con.execute("create temp table l1 as select * from letters where letter_id = ?", [letter])
        con.execute("create temp table d1 as select * exclude (decision_no) from decisions "
                    "where letter_id = ?", [letter])  # fmt: skip
        con.execute("delete from decisions where letter_id = ?", [letter])
        con.execute("delete from letters where letter_id = ?", [letter])
        con.execute("update l1 set ingested_at = ingested_at + interval 1 day")
        con.execute("update d1 set service = 'Quetiapine', rationale = 'quetiapine alone'")
        con.execute("insert into letters select * from l1")
        con.execute("insert into decisions by name select * from d1")
    stats = q.build_search_index(copy)
    assert stats["mode"] == "incremental" and stats["indexed"] == len(old)
    index = search_index.index_path_for(copy)
    with closing(sqlite3.connect(index)) as lite:
        docs = {r[0] for r in lite.execute("select decision_no from docs where letter_id = ?",
                                           [letter])}  # fmt: skip
        stale = lite.execute("select value from meta where key = 'stale'").fetchall()[0][0]
        counted = lite.execute("select count(*) from docs").fetchall()[0][0]
        kept = lite.execute("select value from meta where key = 'rows'").fetchall()[0][0]
    assert int(kept) == counted  # the count index_fresh reads, kept beside the rows
    assert docs.isdisjoint(old) and len(docs) == len(old) and int(stale) == len(old)
    assert set(fulltext.keys(index, "zolpidem")["rowid"].to_pylist()) & old  # dead postings
    with q.open_db(copy) as con:
        assert search_index.index_fresh(con, index)
        zolpidem = q.search(con, "zolpidem", q.Filters(), limit=10_000)
        assert letter not in set(zolpidem["letter_id"])  # ... that join nothing
        assert set(q.search(con, "quetiapine", q.Filters())["letter_id"]) == {letter}
        assert q.search_count(con, "zolpidem", q.Filters()) == q.decision_count(
            con, q.Filters(text="zolpidem")
        )
    monkeypatch.setattr(search_index, "STALE_SHARE", 0.0)  # too many dead postings: rebuild
    assert q.build_search_index(copy)["mode"] == "rebuild"
    assert not set(fulltext.keys(index, "zolpidem")["rowid"].to_pylist()) & old


def test_a_word_in_too_many_rows_comes_back_unranked_with_snippets(
    db, raw, stored_copy, monkeypatch
):
    old = old_results(stored_copy, "documentation")
    monkeypatch.setattr(fulltext, "RANKED_MAX", len(old) - 1)
    fulltext._cached.cache_clear()  # the sets above were ranked under the old limit
    with q.open_db(db) as con:
        page = q.search(con, "documentation", q.Filters(), limit=len(old))
        count = q.search_count(con, "documentation", q.Filters())
    fulltext._cached.cache_clear()
    assert page.height == count == len(old)
    assert page["score"].is_null().all()
    number = dict(zip(zip(raw["letter_id"], raw["item_no"], strict=True), raw["decision_no"],
                      strict=True))  # fmt: skip
    numbers = [number[k] for k in page.select("letter_id", "item_no").rows()]
    assert numbers == sorted(numbers)  # storage order
    assert all("**" in s for s in page["snippet"])


@pytest.mark.parametrize("text", ["request", "documentation"])
def test_a_text_in_most_rows_filters_by_the_numbers_it_misses(db, raw, stored_copy, text):
    old = old_results(stored_copy, text)
    index = search_index.index_path_for(db)
    assert len(old) > raw.height / 2 and fulltext.misses(index, text) is not None
    assert fulltext.misses(index, "zolpidem") is None  # a selective word: its own numbers
    keys = set(
        raw.filter(pl.col("decision_no").is_in(list(old))).select("letter_id", "item_no").rows()
    )
    f = q.Filters(text=text)
    with q.open_db(db) as con:
        page = q.decisions(con, f, limit=10_000)
        assert set(page.select("letter_id", "item_no").rows()) == keys
        assert q.summary(con, f).row(0, named=True)["decisions"] == len(keys)
        both = q.Filters(text=text, service_category=("Pharmaceuticals",))
        want = raw.filter(
            pl.col("decision_no").is_in(list(old))
            & (pl.col("service_category") == "Pharmaceuticals")
        )
        assert 0 < q.decision_count(con, both) == want.height


def postings(index, text: str) -> list[int]:
    """What FTS5 itself returns for `text`: the ground truth of every precomputed set."""
    with closing(sqlite3.connect(index)) as lite:
        sql = "select group_concat(rowid) from fts where fts match ?"
        joined = lite.execute(sql, (match_expression(text),)).fetchone()[0]
    return sorted(int(n) for n in (joined or "").split(",") if n)


def sets_of(index) -> dict[str, list[int]]:
    with closing(sqlite3.connect(index)) as lite:
        terms = [r[0] for r in lite.execute("select term from term_list")]
        return {t: np.flatnonzero(term_sets.hits(lite, t)).tolist() for t in terms}


def assert_sets_are_the_postings(index) -> dict[str, list[int]]:
    sets = sets_of(index)
    assert sets
    for term, numbers in sets.items():
        assert numbers == postings(index, f'"{term}"'), term
    return sets


def add_letters(path, first: int, n: int, day: int, seed: int | None = None) -> None:
    """n more demo letters, ingested on a later day (what a sync picks up)."""
    t, rng = tables(), random.Random(first if seed is None else seed)
    letters, decisions = [], []
    for i in range(first, first + n):
        letter = draw_letter(i, rng, t)
        row = letter_row(letter, text=f"letter {i}", source_path=f"generated://{i}",
                         source_sha256=f"demo{i:012d}", page_count=3, is_demo=True)  # fmt: skip
        row["ingested_at"] = datetime(2026, 1, day, 9, 0, 0)
        letters.append(row)
        decisions.extend(decision_rows(letter, row["letter_id"]))
    with store.connect(path) as con:
        for name, rows in (("letters", letters), ("decisions", decisions)):
            con.register("frame", pl.DataFrame(rows, infer_schema_length=None))
            con.execute(f"insert into {name} by name select * from frame")
            con.unregister("frame")


def test_frequent_terms_have_sets_equal_to_their_postings(db, raw):
    index = search_index.index_path_for(db)
    sets = assert_sets_are_the_postings(index)
    assert "document" in sets and "zolpidem" not in sets  # frequent in, selective out
    assert "function improv" in sets  # a frequent phrase of two words: "functional improvement"
    phrases = [t for t in sets if " " in t]
    assert all(t.split(" ")[0] in sets and t.split(" ")[1] in sets for t in phrases)
    assert all(len(n) >= term_sets.SHARE * raw.height / 2 for n in sets.values())


@pytest.mark.parametrize(
    "text",
    [*QUERIES, "documentation zolpidem", 'treatment "functional improvement"',
     '"improvement functional"', '"functional improvement documented"', '"zolpidem is"',
     "Documentation REQUEST", "request radic* documentation", "documents"],
)  # fmt: skip
def test_hits_through_the_sets_are_what_fts5_returns(db, text):
    index = search_index.index_path_for(db)
    fulltext._hits.cache_clear()
    found = fulltext._hits(str(index), fulltext._version(index), text)
    assert found.tolist() == postings(index, text)


def test_a_sync_extends_the_sets_and_an_old_index_gets_them(db, tmp_path):
    copy = tmp_path / "imr.duckdb"
    shutil.copy(db, copy)
    q.build_search_index(copy)
    index = search_index.index_path_for(copy)
    before = sets_of(index)
    add_letters(copy, 10_000, 40, day=2)
    assert q.build_search_index(copy)["mode"] == "incremental"
    after = assert_sets_are_the_postings(index)
    doc_sizes_are_fts5s(index)  # the new rows' lengths, in the same transaction
    counts_are_the_walks(index)  # ... and the words' counts, tokenized once more in memory
    assert after.keys() == before.keys()  # same terms, more numbers
    assert sum(map(len, after.values())) > sum(map(len, before.values()))
    with closing(sqlite3.connect(index)) as lite:  # an index from before the sets
        lite.executescript("drop table term_bits; drop table term_list; drop table doc_sizes; "
                           "drop table term_counts; delete from meta "
                           "where key in ('term_rows', 'sizes', 'counts');")  # fmt: skip
    fulltext._hits.cache_clear()
    assert fulltext._hits(str(index), fulltext._version(index), "documentation").tolist() == (
        postings(index, "documentation")  # no sets: FTS5 alone
    )
    with q.open_db(copy) as con:  # not fresh: the next ingest (or app start) adds the sets
        assert not search_index.index_fresh(con, index)
    q.build_search_index(copy)  # no letter to add: the sets alone
    assert "document" in assert_sets_are_the_postings(index)
    doc_sizes_are_fts5s(index)
    assert "document" in counts_are_the_walks(index)
    with q.open_db(copy) as con:
        assert search_index.index_fresh(con, index)
    add_letters(copy, 20_000, 5, day=3)
    assert q.build_search_index(copy)["mode"] == "incremental"
    assert "document" in assert_sets_are_the_postings(index)  # re-picked from the rows now
    doc_sizes_are_fts5s(index)
    counts_are_the_walks(index)


def test_a_failed_sync_leaves_postings_and_sets_as_they_were(db, tmp_path, monkeypatch):
    copy = tmp_path / "imr.duckdb"
    shutil.copy(db, copy)
    q.build_search_index(copy)
    index = search_index.index_path_for(copy)
    before = sets_of(index)
    with closing(sqlite3.connect(index)) as lite:
        before_top = lite.execute("select max(rowid) from fts").fetchone()[0]
    add_letters(copy, 10_000, 10, day=2)

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(term_sets, "extend", killed)
    with pytest.raises(KeyboardInterrupt):
        q.build_search_index(copy)
    assert sets_of(index) == before
    with closing(sqlite3.connect(index)) as lite:  # no length of the rolled-back rows
        assert bm25._sizes(lite, np.array([before_top + 1])).tolist() == [0]
    counts_are_the_walks(index)  # nor counts
    with q.open_db(copy) as con:
        assert not search_index.index_fresh(con, index)  # behind the rows: never claimed
    monkeypatch.undo()
    assert q.build_search_index(copy)["mode"] == "incremental"
    assert_sets_are_the_postings(index)
    doc_sizes_are_fts5s(index)
    counts_are_the_walks(index)


def test_a_sync_killed_while_counting_leaves_the_counts_as_they_were(db, tmp_path, monkeypatch):
    copy = tmp_path / "imr.duckdb"
    shutil.copy(db, copy)
    q.build_search_index(copy)
    index = search_index.index_path_for(copy)
    before = counts_are_the_walks(index)
    add_letters(copy, 10_000, 10, day=2)
    real = term_counts.extend

    def killed(lite: sqlite3.Connection, mem: sqlite3.Connection) -> None:
        real(lite, mem)  # the counts written, then the process dies before the commit
        raise KeyboardInterrupt

    monkeypatch.setattr(term_counts, "extend", killed)
    with pytest.raises(KeyboardInterrupt):
        q.build_search_index(copy)
    assert counts_are_the_walks(index) == before
    monkeypatch.undo()
    assert q.build_search_index(copy)["mode"] == "incremental"
    assert counts_are_the_walks(index) != before


@pytest.mark.parametrize("offset", [0, 7, 10_000])
@pytest.mark.parametrize("text", ["documentation", "therapy", "zolpidem documentation"])
@pytest.mark.parametrize("ranked_max", [5, 100_000])
def test_a_search_pages_and_counts_the_same_from_its_numbers(
    db, monkeypatch, offset, text, ranked_max
):
    """Without other filters the page and count come from the hit numbers (and scores) alone;
    through the text filter and search.sql (what a replaced letter's dead postings force)
    they are the same rows in the same order."""
    monkeypatch.setattr(fulltext, "RANKED_MAX", ranked_max)
    fulltext._cached.cache_clear()
    with q.open_db(db) as con:
        fast = q.search(con, text, q.Filters(), limit=20, offset=offset)
        fast_count = q.search_count(con, text, q.Filters())
        monkeypatch.setattr(fulltext, "stored_hits", lambda index, text: None)
        slow = q.search(con, text, q.Filters(), limit=20, offset=offset)
        slow_count = q.search_count(con, text, q.Filters())
        filtered = q.search(con, text, q.Filters(text="request"), limit=20)
    fulltext._cached.cache_clear()
    assert fast.equals(slow) and fast_count == slow_count > 0
    assert fast.height == min(20, max(0, fast_count - offset))
    assert filtered.height == min(20, slow_count)
    if fast.height:
        assert fast["score"].is_null().all() == (fast_count > ranked_max)


def fts5_scores(index, text: str) -> dict[int, float]:
    """FTS5's own bm25 of `text` (higher is better): what bm25.scores must reproduce."""
    with closing(sqlite3.connect(index)) as lite:
        sql = "select rowid, -bm25(fts, 4.0, 1.0) from fts where fts match ?"
        return dict(lite.execute(sql, (match_expression(text),)).fetchall())


@pytest.mark.parametrize(
    "text", ["zolpidem", "acupuncture", "tramadol", "insomnia", "zolpidem insomnia",
             "Insomnia ZOLPIDEM", "acupuncture acupuncture"],
)  # fmt: skip
def test_bm25_in_numpy_is_fts5s_bm25_to_the_last_bit(db, text):
    index = search_index.index_path_for(db)
    want = fts5_scores(index, text)
    assert want
    with closing(fulltext.connect(index)) as lite:
        words = fulltext._plain_words(lite, text)
    assert words, "a word with a frequent-term set is ranked by FTS5 itself"
    numbers = np.array(sorted(want), dtype=np.int64)
    got = bm25.scores(index, words, numbers)
    assert got is not None
    assert dict(zip(numbers.tolist(), got.tolist(), strict=True)) == want  # exact doubles
    fulltext._cached.cache_clear()
    table = fulltext.match(index, text)
    assert dict(zip(table["rowid"].to_pylist(), table["score"].to_pylist(), strict=True)) == want


@pytest.mark.parametrize(
    "text", ["documentation zolpidem", "zolpidem documentation", "zolpidem request treatment",
             "documentation", "Insomnia the", "documentation documentation zolpidem"],
)  # fmt: skip
def test_an_and_with_frequent_words_is_ranked_in_numpy_to_the_last_bit(db, monkeypatch, text):
    """A frequent word's counts are read from term_counts: the scores are FTS5's doubles,
    and FTS5's bm25() is never asked (it fails here if it is)."""
    index = search_index.index_path_for(db)
    want = fts5_scores(index, text)
    assert want
    with closing(fulltext.connect(index)) as lite:
        words = fulltext._plain_words(lite, text)
        assert words and any(term_counts.counted(lite, w) for w in words)

    def no_fts5(*args: object) -> list:
        raise AssertionError("ranked by FTS5, not from the stored counts")

    monkeypatch.setattr(fulltext, "_ranked", no_fts5)
    fulltext._cached.cache_clear()
    table = fulltext.match(index, text)
    fulltext._cached.cache_clear()
    assert dict(zip(table["rowid"].to_pylist(), table["score"].to_pylist(), strict=True)) == want
    with q.open_db(db) as con:  # the page's order: score, then number (ties included)
        page = q.search(con, text, q.Filters(), limit=10_000)
    order = sorted(want, key=lambda n: (-want[n], n))
    assert page["score"].to_list() == [want[n] for n in order]


def counts_are_the_walks(index) -> dict[str, dict[int, float]]:
    """Every counted word's stored counts are its fts5vocab walk over the index, row by row."""
    out = {}
    with closing(sqlite3.connect(index)) as lite:
        assert term_counts.complete(lite)
        top = lite.execute("select max(rowid) from fts").fetchone()[0]
        every = np.arange(top + 1, dtype=np.int64)
        assert term_counts.words(lite)
        for word in term_counts.words(lite):
            docs, freq = term_counts.occurrences(lite, word)
            rows, counts = term_counts.at(lite, word, every)
            assert rows == len(docs), word
            assert np.flatnonzero(counts).tolist() == docs.tolist(), word
            assert counts[docs].astype(np.float64).tolist() == freq.tolist(), word
            out[word] = dict(zip(docs.tolist(), freq.tolist(), strict=True))
    return out


def test_bm25_declines_what_it_cannot_rank_exactly(db, tmp_path):
    index = search_index.index_path_for(db)
    with closing(fulltext.connect(index)) as lite:
        assert fulltext._plain_words(lite, '"functional improvement"') is None  # a phrase
        assert fulltext._plain_words(lite, "zolp*") is None  # a prefix
    wrong = np.array(sorted(fts5_scores(index, "tramadol")), dtype=np.int64)
    assert bm25.scores(index, ["zolpidem"], wrong) is None  # hits without the word
    every = np.arange(1, max(fts5_scores(index, "request")) + 1, dtype=np.int64)
    assert bm25.scores(index, ["document"], every) is None  # ... a counted one (not in every row)
    copy = tmp_path / "imr.search.sqlite"  # an index from before the counts: FTS5 ranks
    shutil.copy(index, copy)
    with closing(sqlite3.connect(copy)) as lite:
        lite.execute("delete from meta where key = 'counts'")
        lite.commit()
        assert fulltext._plain_words(lite, "documentation zolpidem") is None
        assert fulltext._plain_words(lite, "zolpidem") == ["zolpidem"]


def doc_sizes_are_fts5s(index) -> None:
    with closing(sqlite3.connect(index)) as lite:
        assert bm25.complete(lite)
        want = {n: bm25._size(sz) for n, sz in lite.execute("select id, sz from fts_docsize")}
        numbers = np.array(sorted(want), dtype=np.int64)
        assert bm25._sizes(lite, numbers).tolist() == [want[n] for n in numbers.tolist()]


def test_an_index_picked_without_phrases_is_re_picked_by_the_next_sync(db, tmp_path):
    copy = tmp_path / "imr.duckdb"
    shutil.copy(db, copy)
    q.build_search_index(copy)
    index = search_index.index_path_for(copy)
    with closing(sqlite3.connect(index)) as lite:  # as the previous rule left it: words only
        lite.executescript("delete from term_bits where term like '% %'; "
                           "delete from term_list where term like '% %'; "
                           "delete from meta where key = 'term_pick';")  # fmt: skip
    with q.open_db(copy) as con:
        assert not search_index.index_fresh(con, index)
    assert q.build_search_index(copy)["mode"] == "incremental"
    assert "function improv" in assert_sets_are_the_postings(index)
    with q.open_db(copy) as con:
        assert search_index.index_fresh(con, index)


def test_stored_lengths_widen_when_one_needs_32_bits():
    sizes = np.zeros(bm25.BLOCK, np.uint32)
    sizes[[3, 70_000 % bm25.BLOCK]] = [65_535, 9]
    assert len(zlib.decompress(bm25._pack(sizes))) == 2 * bm25.BLOCK
    assert bm25._unpack(bm25._pack(sizes)).tolist() == sizes.tolist()
    sizes[5] = 70_000
    assert bm25._unpack(bm25._pack(sizes)).tolist() == sizes.tolist()
    assert bm25._varints(bytes([0x04, 0x81, 0x19])) == [4, 153]  # FTS5's docsize of 4 + 153
