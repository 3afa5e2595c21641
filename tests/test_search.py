"""Full-text search: safe MATCH expressions, ranking, snippets, and the index kept in sync."""

from __future__ import annotations

import shutil
from datetime import timedelta

import duckdb
import pytest

import queries as q
from queries.fulltext import match_expression
from tests.querydb import BATCH_1, HOSTILE, build_query_db, insert, keys, make_rows


@pytest.mark.parametrize(
    ("text", "expr"),
    [
        ("opioid weaning", '"opioid" "weaning"'),
        ('"functional restoration" program', '"functional restoration" "program"'),
        ("opioid*", '"opioid"*'),
        ('x" OR 1=1; NEAR(a b) --', '"x" "OR" "1" "1" "NEAR" "a" "b"'),
        ("*** ---", None),
    ],
)
def test_user_text_becomes_quoted_terms(text, expr):
    assert match_expression(text) == expr


@pytest.fixture
def db(tmp_path):
    path = build_query_db(tmp_path / "imr.duckdb", n_letters=60)
    q.build_search_index(path)
    return path


def search(db, text, f=None, **kw):
    with q.open_db(db) as con:
        return q.search(con, text, f or q.Filters(), **kw)


def test_results_ranked_with_highlighted_snippets(db):
    hits = search(db, "zolpidem")
    assert hits.height > 0
    assert hits["score"].to_list() == sorted(hits["score"].to_list(), reverse=True)
    assert all("**zolpidem**" in s.lower() for s in hits["snippet"])
    page = search(db, "zolpidem", limit=3, offset=2)
    assert page.rows() == hits.slice(2, 3).rows()


def test_stemming_and_hostile_text_are_plain_words(db):
    assert keys(search(db, "weans")) == keys(search(db, "weaning"))  # porter stems both
    hostile = search(db, "'; drop table letters; --")  # plain words, found in HOSTILE services
    assert hostile.height > 0 and all(s.startswith(HOSTILE) for s in hostile["service"])
    assert search(db, '"unbalanced').height == 0


def test_incremental_sync_adds_new_letters_and_replaces_reingested_ones(db):
    letters, items = make_rows(5, seed=99, start=1000)
    for row in letters:
        row["ingested_at"] = BATCH_1 + timedelta(days=1)
    items[0]["rationale"] = "quetiapine was not supported"
    with duckdb.connect(str(db)) as con:
        insert(con, letters, items)
        # re-ingest letter 3 with a new rationale, as the store does (delete, insert: new
        # decision numbers): its old words must leave the index's results
        reingest(con, "CM16-0000003", "olanzapine only")
    stats = q.build_search_index(db)
    assert stats["mode"] == "incremental"
    new_items = len(items)
    assert new_items <= stats["indexed"] <= new_items + 10  # + letter 3 and the mark's ties
    assert keys(search(db, "quetiapine")) == {(items[0]["letter_id"], 1)}
    assert {k[0] for k in keys(search(db, "olanzapine"))} == {"CM16-0000003"}
    assert "CM16-0000003" not in {k[0] for k in keys(search(db, "the"))}
    with q.open_db(db) as con:
        assert q.search_count(con, "the", q.Filters()) == q.decision_count(
            con, q.Filters(text="the")
        )


def reingest(con: duckdb.DuckDBPyConnection, letter_id: str, rationale: str) -> None:
    """Replace a stored letter the way ingest/store.py does (delete, insert: new numbers)."""
    con.execute("create temp table l1 as select * from letters where letter_id = ?", [letter_id])
    con.execute("create temp table d1 as select * exclude (decision_no) from decisions "
                "where letter_id = ?", [letter_id])  # fmt: skip
    con.execute("delete from decisions where letter_id = ?", [letter_id])
    con.execute("delete from letters where letter_id = ?", [letter_id])
    con.execute("update l1 set ingested_at = ingested_at + interval 2 day")
    con.execute("update d1 set rationale = ?", [rationale])
    con.execute("insert into letters select * from l1")
    con.execute("insert into decisions by name select * from d1")
    con.execute("drop table l1; drop table d1")


def test_deleted_letters_force_a_rebuild(db):
    with duckdb.connect(str(db)) as con:
        con.sql("delete from decisions where letter_id = 'CM16-0000001'")
        con.sql("delete from letters where letter_id = 'CM16-0000001'")
    assert q.build_search_index(db)["mode"] == "rebuild"
    assert "CM16-0000001" not in {k[0] for k in keys(search(db, "the"))}
    assert q.build_search_index(db, incremental=False)["mode"] == "rebuild"


def test_without_an_index_text_falls_back_to_a_substring_scan(db, tmp_path):
    bare = tmp_path / "bare" / "imr.duckdb"
    bare.parent.mkdir()
    shutil.copy(db, bare)
    with q.open_db(bare) as con:
        f = q.Filters(text="zolpidem")
        assert q.decision_count(con, f) == len(keys(search(db, "zolpidem", limit=10_000)))
        hits = q.search(con, "zolpidem", q.Filters())
        assert hits["score"].is_null().all() and hits.height > 0


def test_db_version_changes_when_the_index_changes(db):
    before = q.db_version(db)
    q.build_search_index(db, incremental=False)
    assert q.db_version(db) != before


def test_a_stale_index_never_undercounts_a_text_filter(tmp_path):
    """Letters stored by a run killed before it indexed them: the text filter must still see
    them (the ILIKE scan until the next run repairs the index), not the index's old count."""
    path = build_query_db(tmp_path / "imr.duckdb", n_letters=60)
    q.build_search_index(path)
    word = q.Filters(text="weaning")
    with q.open_db(path) as con:
        before = q.summary(con, word).row(0, named=True)["decisions"]
    with duckdb.connect(str(path)) as con:  # a second batch, stored but never indexed
        letters, items = make_rows(60, seed=8, start=1000)
        later = BATCH_1 + timedelta(days=1)
        for row in letters:
            row["ingested_at"] = later
        insert(con, letters, items)
        expected = con.execute(
            "select count(*) from decisions where service ilike '%weaning%' "
            "or rationale ilike '%weaning%'"
        ).fetchall()[0][0]
    with q.open_db(path) as con:
        after = q.summary(con, word).row(0, named=True)["decisions"]
    assert after > before
    assert after == expected
