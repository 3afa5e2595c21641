"""The incremental derived refresh writes exactly what a full rebuild writes (rows, filter
values, fingerprint), and never declares stale tables fresh."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import polars as pl
import pytest

import queries as q
from queries.derived import derived_fresh, fingerprint, refresh_derived
from queries.derived_delta import update_derived
from tests.querydb import build_query_db, expected_items, insert, make_rows

LATER = datetime(2026, 6, 1, 12, 0, 0)


@pytest.fixture
def db(tmp_path):
    path = build_query_db(tmp_path / "imr.duckdb", n_letters=200)
    with duckdb.connect(str(path)) as con:
        refresh_derived(con)
    return path


def snapshot(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, dict, dict]:
    facts = con.sql("select * from decision_facts order by letter_id, item_no").pl()
    options = con.sql("select * from filter_values").pl().to_dicts()[0]
    state = con.sql("select * from derived_state").pl().to_dicts()[0]
    members = con.sql("select * from state_set_members order by all").pl()
    return facts, options, state, members


def new_letters(start: int, n: int, seed: int, at: datetime, **letter_changes) -> tuple:
    letters, items = make_rows(n, seed=seed, start=start)
    for i, row in enumerate(letters):
        row.update(letter_changes, ingested_at=at + timedelta(seconds=i))
    return letters, items


def replace(con: duckdb.DuckDBPyConnection, letter_ids: list[str], rows: tuple) -> None:
    """What `ingest --replace` does to the base tables: delete, then store the new rows."""
    for table in ("decisions", "letters"):
        con.execute(
            f"delete from {table} where letter_id in (select unnest($ids))", {"ids": letter_ids}
        )
    insert(con, *rows)


def incremental_then_full(path, con=None) -> tuple[str, tuple, tuple]:
    """Run the incremental refresh, snapshot, rebuild whole on the same base rows, snapshot.
    `con`: the connection that changed the rows (a replace must not be checkpointed in between:
    a checkpoint may compact the deleted rows away and renumber letters' rowids, `letter_no`)."""
    with con or duckdb.connect(str(path)) as con:
        how = update_derived(con)
        fresh_after = derived_fresh(con)
        fp = fingerprint(con)
        inc = snapshot(con)
        refresh_derived(con)
        full = snapshot(con)
    assert fresh_after
    assert {k: inc[2][k] for k in fp} == fp
    return how, inc, full


def assert_same(inc: tuple, full: tuple) -> None:
    assert inc[0].equals(full[0])
    assert inc[1] == full[1]
    assert inc[2] == full[2]
    assert inc[3].equals(full[3])


def check_flags_independently(path) -> None:
    """letter_first / category_first recomputed in polars from the raw rows."""
    raw = expected_items(path)
    want = raw.with_columns(
        (pl.col("item_no") == pl.col("item_no").min().over("letter_id")).alias("letter_first"),
        (pl.col("item_no") == pl.col("item_no").min().over("letter_id", "service_category")).alias(
            "category_first"
        ),
    ).select("letter_id", "item_no", "letter_first", "category_first")
    with duckdb.connect(str(path), read_only=True) as con:
        got = con.sql(
            "select letter_id, item_no, letter_first, category_first from decision_facts"
        ).pl()
    key = ["letter_id", "item_no"]
    assert got.sort(key).equals(want.sort(key))


def test_added_letters_are_appended_exactly(db):
    with duckdb.connect(str(db)) as con:
        insert(con, *new_letters(500, 3, seed=21, at=LATER))
    how, inc, full = incremental_then_full(db)
    assert how == "3 letters updated in decision_facts"
    assert_same(inc, full)
    check_flags_independently(db)


def test_replaced_letters_drop_values_no_row_has_any_more(db):
    with duckdb.connect(str(db)) as con:  # a letter with a specialty no other letter has
        unique = {"reviewer_specialty": "Neurology", "reviewer_states": ["Oregon", "Oregon"]}
        insert(con, *new_letters(500, 1, seed=22, at=LATER, **unique))
        assert update_derived(con) == "1 letters updated in decision_facts"
        assert "Neurology" in q.filter_options(con)["reviewer_specialty"]
        oregon = "select count(*) from state_set_members where reviewer_state = 'Oregon'"
        assert con.sql(oregon).fetchall() == [(2,)]
        replace(con, ["CM16-0000500"], new_letters(500, 1, seed=23, at=LATER + timedelta(1)))
        how, inc, full = incremental_then_full(db, con)
    assert how == "1 letters updated in decision_facts"
    assert_same(inc, full)
    assert "Neurology" not in inc[1]["reviewer_specialty"]
    assert "Oregon" not in inc[1]["reviewer_state"]
    assert "Oregon" not in inc[3]["reviewer_state"].to_list()
    check_flags_independently(db)


def test_a_mixed_run_adds_and_replaces(db):
    with duckdb.connect(str(db)) as con:
        replacement = new_letters(10, 2, seed=31, at=LATER, reviewer_states=["Oregon"])
        replace(con, ["CM16-0000010", "CM16-0000011"], replacement)
        insert(con, *new_letters(600, 4, seed=32, at=LATER + timedelta(1), patient_sex=None))
        how, inc, full = incremental_then_full(db, con)
    assert how == "6 letters updated in decision_facts"
    assert_same(inc, full)
    assert "Oregon" in inc[1]["reviewer_state"]
    check_flags_independently(db)
    with q.open_db(db) as con:  # (closing may have renumbered rowids: then the join answers)
        oregon = q.summary(con, q.Filters(reviewer_state=("Oregon",)))
    assert oregon["letters"].item() == 2


def test_a_hand_update_still_makes_the_tables_stale_and_forces_a_full_rebuild(db):
    with duckdb.connect(str(db)) as con:
        con.execute("update decisions set overturned = not overturned where item_no = 2")
    with q.open_db(db) as con:
        assert not derived_fresh(con)
    with duckdb.connect(str(db)) as con:  # the next run adds one letter: the sums disagree
        insert(con, *new_letters(700, 1, seed=41, at=LATER))
    how, inc, full = incremental_then_full(db)
    assert how.endswith("decision_facts rows")  # rebuilt whole, not incrementally
    assert_same(inc, full)
    with duckdb.connect(str(db)) as con:  # and a hand edit after a fresh state, no new letters
        con.execute("update letters set reviewer_specialty = 'Urology' where rowid = 3")
        assert not derived_fresh(con)
        assert update_derived(con).endswith("decision_facts rows")
        assert derived_fresh(con)


def test_fresh_tables_are_left_alone_and_big_changes_rebuild(db):
    with duckdb.connect(str(db)) as con:
        assert update_derived(con) == "fresh"
        insert(con, *new_letters(800, 5, seed=51, at=LATER))
        assert update_derived(con, max_letters=4).endswith("decision_facts rows")
        assert derived_fresh(con)


def test_renumbered_letters_after_a_checkpoint_are_rebuilt_whole(db):
    """A checkpoint may compact deleted rows and renumber the letters after them (letter_no is
    the letter's rowid, which other analyses join on): the sums see it and rebuild whole."""
    with duckdb.connect(str(db)) as con:
        replace(con, ["CM16-0000010"], new_letters(10, 1, seed=61, at=LATER))
        con.execute("checkpoint")
        moved = con.sql("select rowid from letters where letter_id = 'CM16-0000150'").fetchall()
    how, inc, full = incremental_then_full(db)
    assert moved != [(150,)]  # the small table was compacted (one row group)
    assert how.endswith("decision_facts rows")
    assert_same(inc, full)
