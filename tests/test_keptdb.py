"""tests/keptdb.py: while an app test's database is kept open, the app's per-query connects
attach to that one DuckDB instance (what makes them cheap); once closed, they open their own."""

from __future__ import annotations

import duckdb

import queries as q
from tests.keptdb import kept_open, read

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
