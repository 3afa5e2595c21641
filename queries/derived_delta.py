"""Bring the derived tables in step after a run: nothing when they are fresh, only the changed
letters' rows when few letters changed, else a full rebuild.

A one-letter upload into 1.7 M letters must not pay a 10 s rebuild. The letters stored since
the last build (`ingested_at` after derived_state's `ingested_through`: added, or replaced
since a replacement is a new row) have their decision_facts rows deleted and rebuilt; the
fingerprint moves by what left and what came, both summed over decision_facts-shaped rows.
That is only taken when it lands exactly on the base tables' fingerprint, computed afresh: if
anything else changed (a hand UPDATE, a deleted letter, a state that was already stale), the
sums disagree and the tables are rebuilt whole, so `derived_fresh` still means "the derived
tables match the base tables". Appended rows sit after the date-sorted ones; a full rebuild
re-sorts them when many letters changed.
"""

from __future__ import annotations

import duckdb
import polars as pl

from common.sqlfiles import render
from queries.connection import SQL_DIR, install_macros
from queries.derived import (
    ADDED_COLUMNS,
    FACTS,
    FINGERPRINT_KEYS,
    LETTER_HASHED,
    decision_hashed,
    facts_columns,
    facts_fingerprint,
    facts_rows,
    fingerprint,
    read_state,
    refresh_derived,
    remember_fresh,
    stratum_keys,
    write_state,
)

MAX_DELTA_LETTERS = 20_000  # more changed letters than this (or 5 %): rebuild and re-sort
DELTA = "list_contains($letter_ids, letter_id)"  # a pushed-down filter, not a semi-join
REMOVED = "select * from derived_old"
ADDED = "select * from derived_new"


def update_derived(con: duckdb.DuckDBPyConnection, *, max_letters: int = MAX_DELTA_LETTERS) -> str:
    """Make the derived tables match the base tables on a writable connection; says how."""
    install_macros(con)
    con.execute("set enable_progress_bar = false")
    now = fingerprint(con)
    state = read_state(con)
    if state is not None and all(state[k] == now[k] for k in FINGERPRINT_KEYS):
        remember_fresh(con)
        return "fresh"
    if state is None or not _facts_have_hashed_columns(con):
        return refresh_derived(con, now)
    con.execute("begin transaction")
    try:
        changed = _apply(con, state, now, min(max_letters, max(1_000, now["letters"] // 20)))
        if changed is None:
            con.execute("rollback")
        else:
            con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.execute("drop table if exists derived_delta")
        for temp in ("derived_new", "derived_old"):  # this connection's temporary tables
            con.execute(f"drop table if exists {temp}")
    if changed is None:
        return refresh_derived(con, now)
    remember_fresh(con)
    return f"{changed:,} letters updated in decision_facts"


def _apply(
    con: duckdb.DuckDBPyConnection,
    state: dict[str, object],
    now: dict[str, object],
    max_letters: int,
) -> int | None:
    """Replace the changed letters' rows; None (nothing written) when a rebuild is due."""
    con.execute(render(SQL_DIR, "derived_delta"), {"ingested_through": state["ingested_through"]})
    ids = [r[0] for r in con.execute("select letter_id from derived_delta").fetchall()]
    if not ids or len(ids) > max_letters:
        return None
    by_id = {"letter_ids": ids}
    con.execute(f"create or replace temp table derived_new as {facts_rows(DELTA)}", by_id)
    con.execute(f"create or replace temp table derived_old as {FACTS} where {DELTA}", by_id)
    removed = facts_fingerprint(con, REMOVED)
    added = facts_fingerprint(con, ADDED)
    if any(state[k] - removed[k] + added[k] != now[k] for k in FINGERPRINT_KEYS):
        return None  # something besides these letters changed: rebuild whole
    gone, came = _options(con, REMOVED), _options(con, ADDED)
    sets, strata = _removed_and_added(con, "state_set"), _removed_and_added(con, "stratum")
    con.execute(f"delete from decision_facts where {DELTA}", by_id)
    con.execute(f"insert into decision_facts by name {ADDED}")
    _update_state_sets(con, *sets)
    _update_strata(con, *strata)
    _update_filter_values(con, gone, came)
    write_state(con, now)
    return len(ids)


def _removed_and_added(con: duckdb.DuckDBPyConnection, col: str) -> tuple[list[int], list[int]]:
    """(`col` values of the removed rows, of the added rows; col: code-made)."""
    return tuple(
        [r[0] for r in con.execute(f"select distinct {col} from ({rows})").fetchall()]
        for rows in (REMOVED, ADDED)
    )


def _unused(con: duckdb.DuckDBPyConnection, col: str, gone: list[int]) -> list[int]:
    """The `gone` values of `col` no decision_facts row has any more (col: code-made)."""
    if not gone:
        return []
    used = f"select distinct {col} from decision_facts where list_contains($gone, {col})"
    kept = {r[0] for r in con.execute(used, {"gone": gone}).fetchall()}
    return [v for v in gone if v not in kept]


def _update_strata(con: duckdb.DuckDBPyConnection, gone: list[int], came: list[int]) -> None:
    """stratum_keys as a full rebuild writes it: the new rows' new numbers join (numbered by
    sql/derived_facts_rows.sql), numbers no row has any more leave."""
    if unused := _unused(con, "stratum", gone):
        con.execute(
            "delete from stratum_keys where list_contains($unused, stratum)", {"unused": unused}
        )
    if came:
        known = "not stratum in (select stratum from stratum_keys)"
        con.execute(f"insert into stratum_keys {stratum_keys('derived_new', known)}")


def _update_state_sets(con: duckdb.DuckDBPyConnection, gone: list[int], came: list[int]) -> None:
    """state_set_members as a full rebuild writes it: new lists join, unused ones leave."""
    if unused := _unused(con, "state_set", gone):
        con.execute(
            "delete from state_set_members where list_contains($unused, state_set)",
            {"unused": unused},
        )
    have = "select state_set from state_set_members where list_contains($came, state_set)"
    known = {r[0] for r in con.execute(have, {"came": came}).fetchall()} if came else set()
    if new := sorted(set(came) - known):
        members = render(
            SQL_DIR,
            "derived_state_sets",
            facts="derived_new",
            sets="list_contains($new, state_set)",
        )
        con.execute(f"insert into state_set_members {members}", {"new": new})


def _facts_have_hashed_columns(con: duckdb.DuckDBPyConnection) -> bool:
    """decision_facts shows every hashed column (a new column in `decisions`: rebuild)."""
    wanted = {p[1] for p in (*LETTER_HASHED, *decision_hashed(con))}
    return wanted | set(ADDED_COLUMNS) <= facts_columns(con)


def _options(con: duckdb.DuckDBPyConnection, rows: str) -> dict[str, list[object]]:
    rel = con.sql(render(SQL_DIR, "filter_options", items=rows))
    return dict(zip(rel.columns, rel.fetchall()[0], strict=True))


def _update_filter_values(
    con: duckdb.DuckDBPyConnection, gone: dict[str, list], came: dict[str, list]
) -> None:
    """filter_values as a full rebuild would write it: values of the new rows join; a value
    of the removed rows stays only if some remaining row still has it."""
    rel = con.sql(render(SQL_DIR, "filter_values"))
    old = dict(zip(rel.columns, rel.fetchall()[0], strict=True))
    lists: dict[str, list[object]] = {}
    for col, values in old.items():
        keep = set(values or []) | set(came[col] or [])
        maybe_gone = set(gone[col] or []) - set(came[col] or [])
        if maybe_gone:
            keep = (keep - maybe_gone) | _still_present(con, col, maybe_gone)
        lists[col] = list(keep)
    frame = pl.DataFrame(  # noqa: F841 (read by SQL)
        {col: [values] for col, values in lists.items()},
        schema={col: pl.List(pl.String) for col in lists},
    )
    columns = ", ".join(f"list_sort({c}) as {c}" for c in lists)
    con.execute(f"create or replace table filter_values as select {columns} from frame")


def _still_present(con: duckdb.DuckDBPyConnection, col: str, values: set[object]) -> set[object]:
    """Which of `values` some decision_facts row still has in `col` (col: code-made)."""
    found: set[object] = set()
    null = f"select exists (from decision_facts where {col} is null)"
    if None in values and col != "reviewer_state" and con.execute(null).fetchall()[0][0]:
        found.add(None)  # (the state list's options never hold NULL: list_distinct drops it)
    named = sorted(v for v in values if v is not None)
    if not named:
        return found
    if col == "reviewer_state":
        sql = (
            "select distinct s from (select unnest(reviewer_states) as s from decision_facts) "
            "where s in (select unnest($values))"
        )
    else:
        sql = f"select distinct {col} from decision_facts where {col} in (select unnest($values))"
    found |= {r[0] for r in con.execute(sql, {"values": named}).fetchall()}
    return found
