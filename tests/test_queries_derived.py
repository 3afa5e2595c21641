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


HAND_EDIT = (
    "update decisions set overturned = true, outcome = 'Overturned' "
    "where service_category = 'Surgery'"
)


def test_a_hand_edit_is_never_served_stale(db):
    """The README invites analysts to fix a misparse with UPDATE: counts and the newest
    ingested_at do not change, the content hash does, so every query answers from the edit."""
    with duckdb.connect(str(db)) as con:
        refresh_derived(con)
    with q.open_db(db) as con:
        assert derived_fresh(con)
    with duckdb.connect(str(db)) as con:
        con.sql(HAND_EDIT)
        con.sql(  # a relabel too: an export must not name a category the row no longer has
            "update decisions set service_category = 'Rehabilitation' "
            "where service_category = 'Diagnostic Testing' and item_no = 1"
        )
        want = con.sql(
            "select count(*), count(*) filter (where overturned) from decisions "
            "where service_category = 'Surgery'"
        ).fetchall()[0]
        diag = con.sql(
            "select count(*) from decisions where service_category = 'Diagnostic Testing'"
        ).fetchall()[0][0]
    surgery = q.Filters(service_category=("Surgery",))
    with q.open_db(db) as con:
        assert not derived_fresh(con)
        s = q.summary(con, surgery).row(0, named=True)
        assert (s["decisions"], s["overturned"]) == want
        assert want[1] == want[0]  # every Surgery decision is now overturned
        by = q.overturn_rate_by(con, "service_category", q.Filters(), min_n=0)
        row = by.filter(pl.col("service_category") == "Surgery").row(0, named=True)
        assert (row["decisions"], row["overturned"], row["rate"]) == (*want, 1.0)
        diag_f = q.Filters(service_category=("Diagnostic Testing",))
        csv = pl.read_csv(q.export_bytes(con, diag_f)[0])
        assert csv.height == diag
        assert set(csv["service_category"]) == {"Diagnostic Testing"}
    with duckdb.connect(str(db)) as con:  # the next ingest's refresh makes the cache usable
        refresh_derived(con)
    with q.open_db(db) as con:
        assert derived_fresh(con)
        assert q.summary(con, surgery)["overturned"].item() == want[1]


def test_fingerprint_sees_every_copied_column(db):
    """Each column decision_facts copies from the base tables moves the fingerprint."""
    from queries.derived import fingerprint

    edits = [
        "update letters set reviewer_specialty = 'Internal Medicine' where rowid = 3",
        "update letters set decision_date = date '2014-01-01' where rowid = 4",
        "update letters set reviewer_states = ['Ohio'] where rowid = 5",
        "update decisions set drug_class = 'Other' where rowid = 6",
        "update decisions set imr_guideline_source = 'ODG' where rowid = 7 "
        "and imr_guideline_source <> 'ODG'",
    ]
    with duckdb.connect(str(db)) as con:
        seen = [fingerprint(con)]
        for edit in edits:
            con.sql(edit)
            seen.append(fingerprint(con))
    assert len({tuple(sorted(x.items())) for x in seen}) == len(seen)


def test_the_file_behind_a_connection_is_asked_once(tmp_path, monkeypatch):
    """db_path_of remembers each connection's file (every query asks it): the same answers
    as the query, per connection and cursor, without asking the database again."""
    from queries import connection

    paths = [tmp_path / "a.duckdb", tmp_path / "b.duckdb"]
    cons = [duckdb.connect(str(p)) for p in paths] + [duckdb.connect(":memory:")]
    try:
        sql = "select path from duckdb_databases() where database_name = current_database()"
        assert [c.sql(sql).fetchall()[0][0] for c in cons] == [*map(str, paths), None]
        first = [connection.db_path_of(c) for c in cons]
        assert first == [*paths, None]
        cursor = cons[1].cursor()
        assert connection.db_path_of(cursor) == paths[1]
        asked: list[str] = []
        real = connection.render
        monkeypatch.setattr(
            connection, "render", lambda *a, **k: asked.append(a[1]) or real(*a, **k)
        )
        assert [connection.db_path_of(c) for c in [*cons, cursor]] == [*first, paths[1]]
        assert asked == []  # remembered, not asked again
    finally:
        for c in cons:
            c.close()
