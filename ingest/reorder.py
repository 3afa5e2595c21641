"""Rewrite `letters` and `decisions` in decision-date order: a maintenance step (`imr reorder`).

Why: DuckDB decodes a text column one 2,048-row vector at a time, so fetching one year's
rationales costs what the vectors holding them cost. Letters arrive by date (DWC publishes in
date order, `imr fetch` files them under their year, ingest walks names in sorted order), so
an archive ingested in order is already clustered and new letters append after it; a
backfill or a bulk ingest of unsorted folders scatters each year over the whole table, and an
export of 65k rows then decodes ~3x the text (bench/RESULTS.md, "Export ... reordered").

One transaction: the sorted copies are written under temporary names from the tables' own
CREATE statements (keys, defaults, the decision_no sequence), the originals dropped, the
copies renamed and the indexes re-created. A killed or failed run leaves the old tables whole.
`decision_no` is copied, never redrawn, so the search index stays valid; the letters' row ids
(decision_facts.letter_no) change, which the derived tables' fingerprint sees: the caller
rebuilds them (imr/ingest_run.reorder_and_refresh).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from common.sqlfiles import load_sql, render
from ingest.store import SQL_DIR

TABLES = ("letters", "decisions")  # letters first: decisions are sorted by their letter's date
SUFFIX = "__reordered"


def out_of_order(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows of each table stored out of decision-date order (all 0: already in order)."""
    rel = con.sql(load_sql(SQL_DIR, "date_order_check"))
    counts = rel.fetchall()[0]
    return {t: int(n) for t, n in zip(TABLES, counts, strict=True)}


def reorder(
    con: duckdb.DuckDBPyConnection,
    *,
    force: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Rewrite both tables in date order unless they already are (`force`: rewrite anyway).
    Returns the rows found out of order before the rewrite. `on_step` hears each step's name
    (progress, and the crash-safety test's kill point)."""
    before = out_of_order(con)
    if not force and not any(before.values()):
        return before
    step = on_step or (lambda _name: None)
    con.execute("begin transaction")
    try:
        ddl = {table: _ddl(con, table) for table in TABLES}
        for table in TABLES:
            create, _indexes = ddl[table]
            con.execute(_renamed(create, table))
            sql = render(SQL_DIR, f"reorder_{table}", target=table + SUFFIX)
            con.execute(sql)
            step(f"copied {table}")
        for table in reversed(TABLES):  # decisions still joins letters while it is copied
            con.execute(f"drop table {table}")
            con.execute(f"alter table {table}{SUFFIX} rename to {table}")
            for index in ddl[table][1]:
                con.execute(index)
            step(f"replaced {table}")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("checkpoint")  # the old row groups' space is reused, not left in the WAL
    return before


def _ddl(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, list[str]]:
    create, indexes = con.execute(load_sql(SQL_DIR, "table_ddl"), {"name": table}).fetchall()[0]
    if create is None:
        raise LookupError(f"no table {table!r} in this database")
    return create, list(indexes or [])


def _renamed(create: str, table: str) -> str:
    """The table's CREATE statement for its sorted copy (the name is its first identifier)."""
    head = f"CREATE TABLE {table}("
    if not create.startswith(head):
        raise ValueError(f"unexpected CREATE statement for {table}: {create[:60]!r}")
    return f"CREATE TABLE {table}{SUFFIX}(" + create[len(head) :]
