"""decisions.decision_no: a stable integer key, numbered once for older databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from common import sqlfiles
from ingest import store
from ingest.pipeline import ingest_paths
from tests.paths import REAL_LETTERS
from tests.querydb import insert, make_rows
from tests.test_ingest_hostile import _forged

OLD_SCHEMA = Path(__file__).parent / "fixtures" / "schema_before_decision_no.sql"


def old_db(path: Path) -> Path:
    """A database as main's schema made it, before decision_no, with derived-table state."""
    with duckdb.connect(str(path)) as con:
        con.execute(OLD_SCHEMA.read_text("utf-8"))
        insert(con, *make_rows(40, seed=3))
        con.execute("create table derived_state as select 1 as built")
    return path


def numbers(db: Path) -> dict[tuple[str, int], int]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql("select letter_id, item_no, decision_no from decisions").fetchall()
    return {(letter, item): no for letter, item, no in rows}


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.sql("select table_name from duckdb_tables()").fetchall()}


def test_an_old_database_is_numbered_once_and_the_sequence_goes_on(tmp_path):
    db = old_db(tmp_path / "imr.duckdb")
    with duckdb.connect(str(db)) as con:
        n = con.execute("select count(*) from decisions").fetchall()[0][0]
    store.connect(db).close()
    first = numbers(db)
    assert sorted(first.values()) == list(range(1, n + 1))  # every row, each number once
    with store.connect(db) as con:  # a second open changes nothing
        assert store.migrate(con) is False
        assert "derived_state" not in table_names(con)  # copies made without the column
        indexes = con.execute("select index_name from duckdb_indexes()").fetchall()
        assert ("decisions_decision_no",) in indexes  # point reads for snippets
        letters, items = make_rows(2, seed=4, start=500)
        insert(con, letters, items)  # by name, as the store and the tests insert
    after = numbers(db)
    assert {k: after[k] for k in first} == first
    new = sorted(v for k, v in after.items() if k not in first)
    assert new == list(range(n + 1, n + 1 + len(items)))


def test_a_failed_migration_leaves_the_old_schema(tmp_path, monkeypatch):
    db = old_db(tmp_path / "imr.duckdb")
    real = sqlfiles.load_sql

    def broken(folder, name):
        if name == "add_decision_no":  # the sequence and the column first, then a failure
            return real(folder, name) + ";\nselect * from no_such_table"
        return real(folder, name)

    monkeypatch.setattr(store, "load_sql", broken)
    with pytest.raises(duckdb.CatalogException):
        store.connect(db)
    with duckdb.connect(str(db)) as con:
        columns = {r[0] for r in con.sql("describe decisions").fetchall()}
        sequences = con.execute("select count(*) from duckdb_sequences()").fetchall()[0][0]
        assert "derived_state" in table_names(con)
    assert "decision_no" not in columns and sequences == 0
    monkeypatch.undo()
    store.connect(db).close()  # the next writer migrates
    assert None not in numbers(db).values()


def test_numbers_survive_unrelated_runs_and_a_replaced_letter_gets_new_ones(tmp_path):
    genuine, forged = _forged(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    for name in ("CM16-0235869.pdf", "CM16-0213037.pdf"):
        shutil.copy(REAL_LETTERS / name, other / name)
    db = tmp_path / "imr.duckdb"
    assert ingest_paths([forged, other / "CM16-0235869.pdf"], db).added == 2
    first = numbers(db)
    assert ingest_paths([other / "CM16-0213037.pdf"], db).added == 1  # an unrelated run
    second = numbers(db)
    assert {k: second[k] for k in first} == first
    assert ingest_paths([genuine], db, replace=True).added == 1
    third = numbers(db)
    replaced = {k for k in first if k[0] == "CM16-0245796"}
    assert replaced and {k for k in third if k[0] == "CM16-0245796"} == replaced
    assert all(third[k] > max(second.values()) for k in replaced)  # new, never reused
    kept = [k for k in second if k not in replaced]
    assert {k: third[k] for k in kept} == {k: second[k] for k in kept}
