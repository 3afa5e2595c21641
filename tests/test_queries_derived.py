"""The derived tables (decision_facts, filter_values) answer exactly like the join, and are
ignored as soon as the base tables move on without them."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest

import queries as q
from queries.derived import FACTS, derived_fresh, items_sql, refresh_derived
from tests.querydb import HOSTILE, build_query_db, insert, make_rows

FILTERS = [
    q.Filters(),
    q.Filters(service_category=("Pharmaceuticals",), reviewer_state=("Texas",)),
    q.Filters(date_from=date(2016, 3, 1), date_to=date(2016, 9, 30), age_band=("50-59",)),
    q.Filters(service_subcategory=(HOSTILE,), priority=("unknown",)),
    q.Filters(text="weaning"),  # no index: the ILIKE fallback, which needs the rationale
]


def answers(con: duckdb.DuckDBPyConnection) -> list[pl.DataFrame | object]:
    out: list[pl.DataFrame | object] = [q.filter_options(con)]
    for f in FILTERS:
        out += [
            q.summary(con, f),
            q.overturn_rate_by(con, "reviewer_state", f),
            q.overturn_rate_by(con, "age_band", f, by="service_category"),
            q.trend(con, "quarter", f, by="priority"),
            q.decisions(con, f, limit=40, offset=5),
            q.decision_count(con, f),
            q.export_bytes(con, f)[0],
        ]
    return out


def same(a: list, b: list) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        if isinstance(x, pl.DataFrame):
            assert x.equals(y), (x, y)
        else:
            assert x == y


@pytest.fixture
def db(tmp_path):
    return build_query_db(tmp_path / "imr.duckdb")


def test_derived_tables_give_the_same_answers_as_the_join(db):
    with q.open_db(db) as con:
        assert not derived_fresh(con)
        before = answers(con)
    with duckdb.connect(str(db)) as con:
        refresh_derived(con)
        n = con.sql("select count(*) from decision_facts").fetchall()[0][0]
        assert n == con.sql("select count(*) from decisions").fetchall()[0][0]
    with q.open_db(db) as con:
        assert derived_fresh(con)
        assert items_sql(con) == FACTS
        assert items_sql(con, needs_rationale=True) != FACTS
        same(before, answers(con))


def test_stale_derived_tables_are_ignored(db):
    with duckdb.connect(str(db)) as con:
        refresh_derived(con)
        insert(con, *make_rows(50, seed=9, start=300))  # a later ingest without a refresh
        total = con.sql("select count(*) from decisions").fetchall()[0][0]
    with q.open_db(db) as con:
        assert not derived_fresh(con)
        assert q.summary(con, q.Filters())["decisions"].item() == total
        assert q.decision_count(con, q.Filters()) == total
