"""The runner: render a .sql file (code-made fragments in its `{slot}`s), bind, run.

`{items}` is the runner's own slot: the relation every filter and breakdown reads, the
derived table while it is fresh, else the join (`queries.derived.items_sql`). On the derived
table a reviewer-state filter runs on its integer state_set (`queries.statesets`).
"""

from __future__ import annotations

import duckdb
import polars as pl

from common.sqlfiles import load_sql, render, slots
from queries.connection import SQL_DIR, install_macros
from queries.derived import FACTS, items_sql
from queries.statesets import integer_state_filter


def sql_of(con: duckdb.DuckDBPyConnection, name: str, **fragments: str) -> str:
    """The SQL of `name` with every slot filled; `{items}` when the file has one."""
    if "items" in slots(load_sql(SQL_DIR, name)):
        needs_rationale = "rationale" in fragments.get("where", "")
        fragments["items"] = items_sql(con, needs_rationale=needs_rationale)
        if fragments["items"] == FACTS and "where" in fragments:
            fragments["where"] = integer_state_filter(fragments["where"])
    return render(SQL_DIR, name, **fragments)


def relation(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object], **fragments: str
) -> duckdb.DuckDBPyRelation:
    install_macros(con)  # a no-op on connections from open_db; a user's .cursor() needs them
    return con.sql(sql_of(con, name, **fragments), params=params or None)


def run(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object], **fragments: str
) -> pl.DataFrame:
    return relation(con, name, params, **fragments).pl()
