"""decision_facts' `stratum` numbers (sql/derived_facts_rows.sql) and stratum_keys: one number
per (service subcategory, decision year) pair, kept from build to build, written the same by
the incremental refresh as by a full rebuild."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import polars as pl
import pytest

from queries.derived import refresh_derived
from queries.derived_delta import update_derived
from tests.querydb import build_query_db, expected_items, insert, make_rows

LATER = datetime(2026, 6, 1, 12, 0, 0)


@pytest.fixture
def db(tmp_path):
    path = build_query_db(tmp_path / "imr.duckdb", n_letters=120)
    with duckdb.connect(str(path)) as con:
        refresh_derived(con)
    return path


def one_letter(no: int, seed: int, subcategory: str, decided: date | None) -> tuple[list, list]:
    """A letter stored after the last build, its items in `subcategory`, decided on `decided`."""
    letters, items = make_rows(1, seed=seed, start=no)
    letters[0].update(ingested_at=LATER + timedelta(seconds=seed), decision_date=decided)
    for item in items:
        item["service_subcategory"] = subcategory
    return letters, items


def tables(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    facts = con.sql("select letter_id, item_no, stratum from decision_facts order by all").pl()
    keys = con.sql("select * from stratum_keys order by stratum").pl()
    return facts, keys


def check_numbers_name_pairs(path) -> None:
    """Each stored row's number is its own pair's, and stratum_keys lists exactly the pairs
    stored, one number each (recomputed in polars from the base tables)."""
    want = expected_items(path).select("letter_id", "item_no", "service_subcategory",
                                       "decision_year")  # fmt: skip
    with duckdb.connect(str(path), read_only=True) as con:
        facts, keys = tables(con)
    got = facts.join(keys, on="stratum", how="left")
    assert got.height == want.height and got["service_subcategory"].null_count() == 0
    key = ["letter_id", "item_no"]
    assert got.select(want.columns).sort(key).equals(want.sort(key))
    pairs = keys.select("service_subcategory", "decision_year")
    assert keys["stratum"].n_unique() == keys.height == pairs.unique().height
    assert pairs.sort(pl.all()).equals(want.select(pairs.columns).unique().sort(pl.all()))


@pytest.mark.parametrize(
    ("subcategory", "decided"),
    [("Opioids", date(2015, 6, 1)),  # a known pair
     ("Acupuncture", date(2031, 2, 3)),  # a new year
     ("", None),  # a new, empty subcategory, undated
     ("Zz new", date(2015, 6, 1))],  # a new subcategory sorting after every other
)  # fmt: skip
def test_a_one_letter_ingest_numbers_as_a_full_rebuild(db, subcategory, decided):
    with duckdb.connect(str(db)) as con:
        before = tables(con)[1]
        insert(con, *one_letter(900, 1, subcategory, decided))
        assert update_derived(con) == "1 letters updated in decision_facts"
        incremental = tables(con)
        refresh_derived(con)
        full = tables(con)
    assert incremental[0].equals(full[0]) and incremental[1].equals(full[1])
    kept = full[1].join(before, on="stratum", how="inner", suffix="_before")
    assert kept.height == before.height  # no number changed meaning
    assert kept["service_subcategory"].equals(kept["service_subcategory_before"])
    check_numbers_name_pairs(db)


def test_new_pairs_get_the_next_numbers_in_order_and_unused_numbers_leave(db):
    with duckdb.connect(str(db)) as con:
        top = con.sql("select max(stratum) from stratum_keys").fetchall()[0][0]
        insert(con, *one_letter(900, 1, "Zz new", None))
        insert(con, *one_letter(901, 2, "Aa new", date(2030, 1, 1)))
        update_derived(con)
        new = con.sql(f"select * from stratum_keys where stratum > {top} order by all").fetchall()
        assert new == [(top + 1, "Aa new", "2030"), (top + 2, "Zz new", None)]
        # the letter that held "Zz new" is replaced by one in a known pair: its number leaves
        for table in ("decisions", "letters"):
            con.execute(f"delete from {table} where letter_id = 'CM16-0000900'")
        insert(con, *one_letter(900, 3, "Opioids", date(2015, 6, 1)))
        assert update_derived(con) == "1 letters updated in decision_facts"
        incremental = tables(con)
        gone = con.sql("select count(*) from stratum_keys where service_subcategory = 'Zz new'")
        assert gone.fetchall() == [(0,)]
        refresh_derived(con)
        assert tables(con)[1].equals(incremental[1])
        assert tables(con)[0].equals(incremental[0])
    check_numbers_name_pairs(db)


def test_a_full_rebuild_keeps_the_numbers_it_finds(db):
    with duckdb.connect(str(db)) as con:  # numbers given by an earlier build, out of order
        con.execute("update stratum_keys set stratum = 1000 - stratum")
        refresh_derived(con)
        kept = con.sql("select min(stratum), max(stratum) from stratum_keys").fetchall()
        assert kept[0][0] > 900
        con.execute("drop table stratum_keys")  # a database from before the numbers
        assert update_derived(con).endswith("decision_facts rows")
        fresh = con.sql("select min(stratum), count(*), max(stratum) from stratum_keys")
        low, n, high = fresh.fetchall()[0]
        assert (low, high) == (1, n)
    check_numbers_name_pairs(db)
