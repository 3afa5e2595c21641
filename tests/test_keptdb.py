"""tests/keptdb.py: while an app test's database is kept open, the app's per-query connects
attach to that one DuckDB instance (what makes them cheap); once closed, they open their own."""

from __future__ import annotations

import duckdb
import pytest

import queries as q
from tests.keptdb import kept, kept_open, plain, read

SETTING = "ordered_aggregate_threshold"  # any global setting: it lives in the instance


def _seen(db) -> int:
    with q.open_db(db) as con:  # as ui/data.py opens one per query
        return con.sql(f"select current_setting('{SETTING}')").fetchall()[0][0]


def test_the_apps_connects_share_the_kept_instance(tmp_path):
    db = tmp_path / "imr.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table t as select 7 as a")
    default = _seen(db)
    with kept_open(db) as held:
        held.execute(f"set global {SETTING} = {default + 1}")
        assert _seen(db) == default + 1  # the same instance
        assert read(db, "select a from t") == [(7,)]  # a test's own read while it is open
    assert _seen(db) == default  # closed: the next connect makes a new instance


def test_a_kept_module_database_takes_plain_reads_of_the_same_instance(tmp_path):
    """`kept` (a module fixture's `yield from`) holds the database as `kept_open` does, and
    `plain` (a test's independent read: the app's settings, none of its macros) is allowed
    while it does; a plain read-only connect with DuckDB's defaults would be refused."""
    db = tmp_path / "imr.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table t as select 7 as a")
    default = _seen(db)
    holding = kept(db)
    assert next(holding) == db
    with q.open_db(db) as con:
        con.execute(f"set global {SETTING} = {default + 1}")
    with plain(db) as con:
        assert con.sql(f"select current_setting('{SETTING}')").fetchall() == [(default + 1,)]
        assert con.sql("select a from t").fetchall() == [(7,)]
        macros = "select count(*) from duckdb_functions() where function_name = 'wilson_low'"
        assert con.sql(macros).fetchall() == [(0,)]  # nothing of the query layer's
    with pytest.raises(duckdb.ConnectionException, match="different configuration"):
        duckdb.connect(str(db), read_only=True)  # DuckDB's defaults, not the app's settings
    holding.close()
    assert _seen(db) == default  # released: the next connect makes a new instance
