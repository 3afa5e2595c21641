"""`imr reorder`: letters and decisions rewritten in decision-date order, nothing else changed.

Checked against the tables read plainly before the rewrite: the same rows and decision
numbers, the keys, defaults and indexes kept, the derived tables and the search index fresh
afterwards, and the export byte for byte the same. A run killed inside its transaction (a
subprocess that SIGKILLs itself at a step) leaves the old tables whole, in their old order.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

import queries as q
from imr.cli import app
from imr.ingest_run import reorder_and_refresh
from ingest.reorder import out_of_order
from queries.derived import derived_fresh, refresh_derived
from queries.search_index import index_fresh, index_path_for
from tests.querydb import build_query_db

ROOT = Path(__file__).resolve().parents[1]
FILTERS = (q.Filters(), q.Filters(service_category="Surgery", date_from="2016-01-01"))


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A database stored in letter_id order with random dates, its caches fresh."""
    path = build_query_db(tmp_path_factory.mktemp("reorder") / "imr.duckdb")
    with duckdb.connect(str(path)) as con:
        refresh_derived(con)
    q.build_search_index(path)
    return path


@pytest.fixture
def db(source, tmp_path) -> Path:
    path = tmp_path / "imr.duckdb"
    shutil.copy(source, path)
    shutil.copy(index_path_for(source), index_path_for(path))
    return path


def stored(path: Path) -> dict[str, pl.DataFrame]:
    """Both tables in stored (rowid) order, every column."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            t: con.sql(f"select rowid as stored_at, * from {t} order by rowid").pl()
            for t in ("letters", "decisions")
        }


def exports(path: Path) -> list[bytes]:
    with q.open_db(path) as con:
        return [q.export_bytes(con, f, fmt)[0] for f in FILTERS for fmt in ("csv", "parquet")]


def test_reorder_sorts_by_date_and_keeps_every_row_key_and_cache(db):
    before, files_before = stored(db), exports(db)
    moved = reorder_and_refresh(db)
    after = stored(db)
    assert moved["letters"] > 50 and moved["decisions"] > 50

    letters = after["letters"]
    dates = letters["decision_date"].to_list()
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated) and dates[len(dated) :] == [None] * (len(dates) - len(dated))
    assert letters["stored_at"].to_list() == list(range(letters.height))
    # decisions follow their letters' order, items in letter order
    position = dict(zip(letters["letter_id"], letters["stored_at"], strict=True))
    order = [(position[i], n) for i, n in after["decisions"].select("letter_id", "item_no").rows()]
    assert order == sorted(order)
    for table, key in (("letters", ["letter_id"]), ("decisions", ["letter_id", "item_no"])):
        old = before[table].drop("stored_at").sort(key)
        assert after[table].drop("stored_at").sort(key).equals(old), table

    with duckdb.connect(str(db)) as con:
        assert out_of_order(con) == {"letters": 0, "decisions": 0}
        assert derived_fresh(con) and index_fresh(con, index_path_for(db))
        indexes = con.sql("select index_name from duckdb_indexes()").fetchall()
        assert ("decisions_decision_no",) in indexes
        with pytest.raises(duckdb.ConstraintException):
            con.execute("insert into letters select * from letters limit 1")
        con.execute(
            "insert into decisions (letter_id, item_no, service, partly_authorized,"
            " service_category, service_subcategory, drug_class, outcome, overturned,"
            " ca_guideline_source, imr_guideline_source)"
            " values ('new', 1, 's', false, 'c', 's', 'd', 'Upheld', false, 'x', 'x')"
        )
        drawn, highest = con.sql(
            "select max(decision_no) filter (where letter_id = 'new'),"
            " max(decision_no) filter (where letter_id <> 'new') from decisions"
        ).fetchall()[0]
        assert drawn > highest  # the sequence continues, no number reused
        con.execute("delete from decisions where letter_id = 'new'")
    assert exports(db) == files_before


def test_a_second_run_finds_nothing_to_do(db):
    reorder_and_refresh(db)
    again = stored(db)
    assert reorder_and_refresh(db) == {"letters": 0, "decisions": 0}
    assert stored(db)["letters"].equals(again["letters"])


KILLER = """
import os, signal, sys
import duckdb
from ingest.reorder import reorder
con = duckdb.connect(sys.argv[1])
def step(name):
    if name == sys.argv[2]:
        os.kill(os.getpid(), signal.SIGKILL)
reorder(con, on_step=step)
"""


@pytest.mark.parametrize("step", ["copied letters", "copied decisions", "replaced letters"])
def test_a_killed_run_leaves_the_old_tables_whole(db, step):
    before = stored(db)
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(db), step], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == -9, done.stderr  # it died at the step, not earlier
    after = stored(db)
    for table in ("letters", "decisions"):
        assert after[table].equals(before[table]), table
    with duckdb.connect(str(db), read_only=True) as con:
        assert sum(out_of_order(con).values()) > 0
        assert derived_fresh(con)
        tables = {r[0] for r in con.sql("select table_name from duckdb_tables()").fetchall()}
        assert not any(t.endswith("__reordered") for t in tables)


def test_cli_reorder_says_what_it_did(db):
    first = CliRunner().invoke(app, ["reorder", "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "rewritten in decision-date order" in first.output
    second = CliRunner().invoke(app, ["reorder", "--db", str(db)])
    assert second.exit_code == 0 and "already in order" in second.output
    missing = CliRunner().invoke(app, ["reorder", "--db", str(db.with_name("none.duckdb"))])
    assert missing.exit_code != 0 and "no database" in missing.output
