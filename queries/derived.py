"""Derived tables written after each ingest: the pre-joined `decision_facts` and the cached
`filter_values`, so a query at 3 M decisions scans one sorted table instead of joining.

They are a cache, never the truth: `derived_state` keeps the fingerprint of what they hold
(row counts and a sum of row hashes of every value they show), and `items_sql` uses them only
while the base tables still have that fingerprint. A hand `update decisions set ...` changes
it, so queries fall back to the join (always correct) until the next `imr ingest` (or
`refresh_derived`) rebuilds the cache. The fingerprint is one scan of each base table,
computed once per database file version (size and mtime of the file and its WAL) and
remembered per process. The hashed values are the ones decision_facts shows, so the same sums
can be taken over decision_facts rows: `queries.derived_delta` keeps the state exact when it
replaces only a few letters' rows.
"""

from __future__ import annotations

import duckdb

from common.sqlfiles import render
from queries.connection import SQL_DIR, db_path_of, db_version, install_macros

FACTS = "select * from decision_facts"
# decision_facts, state_set_members, stratum_keys, filter_values, derived_state
DERIVED_TABLES = 5
FINGERPRINT_KEYS = ("letters", "decisions", "letters_hash", "decisions_hash")
# (letters column as stored, the same value as decision_facts shows it): the letter hash.
LETTER_HASHED = (
    ("rowid", "letter_no"),
    ("letter_id", "letter_id"),
    ("case_number", "case_number"),
    ("decision_date", "decision_date"),
    ("date_assigned", "date_assigned"),
    ("ur_denial_date", "ur_denial_date"),
    ("application_received", "application_received"),
    ("layout", "layout"),
    ("coalesce(priority, 'unknown')", "priority"),
    ("reviewer_specialty", "reviewer_specialty"),
    (
        "case when len(reviewer_states) = 0 then ['unknown'] else reviewer_states end",
        "reviewer_states",
    ),
    ("licensed_in_california", "licensed_in_california"),
    ("is_demo", "is_demo"),
    ("patient_age", "patient_age"),
    ("coalesce(patient_sex, 'unknown')", "patient_sex"),
    ("case_outcome", "case_outcome"),
)
DECISION_HASHED = (
    *((c, c) for c in ("letter_id", "item_no", "service", "service_category")),
    *((c, c) for c in ("service_subcategory", "drug_class", "outcome", "overturned")),
    *((c, c) for c in ("partly_authorized", "ca_guideline_source", "imr_guideline_source")),
    ("coalesce(ca_mtus_chapter, 'none')", "ca_mtus_chapter"),
    ("coalesce(imr_mtus_chapter, 'none')", "imr_mtus_chapter"),
)
# Per-letter flags and counts decision_facts adds (sql/derived_facts_rows.sql), and the stored
# agreement label: a table built by older code lacks some, and is then no cache of today's
# rows (rebuilt by the next ingest).
PARTS = ("letter", "category", "partly", "agreement", "category_partly", "category_agreement")
PART_COLUMNS = tuple(f"{p}_{c}" for p in PARTS for c in ("first", "items", "overturned"))


def part_items(flag: str) -> str:
    """The item-count column of the part whose first-row flag is `flag` (category_first ->
    category_items)."""
    part = flag.removesuffix("_first")
    if part not in PARTS:
        raise ValueError(f"{flag!r} is no part's first-row flag")
    return f"{part}_items"


# Columns decision_facts adds besides the parts': a table without one is rebuilt.
ADDED_COLUMNS = ("state_set", "stratum", "guideline_agreement", *PART_COLUMNS)
OPTIONAL_HASHED = ("decision_no",)  # decisions columns items.sql copies once they exist
_fresh_cache: dict[str, tuple[str, bool]] = {}  # db path -> (db_version, fresh)


def decision_hashed(con: duckdb.DuckDBPyConnection) -> tuple[tuple[str, str], ...]:
    """DECISION_HASHED plus the optional columns the decisions table has."""
    present = {
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() "
            "where database_name = current_database() and table_name = 'decisions'"
        ).fetchall()
    }
    return DECISION_HASHED + tuple((c, c) for c in OPTIONAL_HASHED if c in present)


def _hash_columns(pairs: tuple[tuple[str, str], ...], side: int) -> str:
    return ", ".join(p[side] for p in pairs)


def fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Counts and content hashes of the base-table values the derived tables show."""
    sql = render(
        SQL_DIR,
        "derived_fingerprint",
        letter_columns=_hash_columns(LETTER_HASHED, 0),
        decision_columns=_hash_columns(decision_hashed(con), 0),
    )
    rel = con.sql(sql)
    return dict(zip(rel.columns, rel.fetchall()[0], strict=True))


def facts_fingerprint(con: duckdb.DuckDBPyConnection, facts: str) -> dict[str, object]:
    """The same sums over decision_facts-shaped rows (`facts`: a code-made SELECT)."""
    sql = render(
        SQL_DIR,
        "derived_facts_fingerprint",
        facts=facts,
        letter_columns=_hash_columns(LETTER_HASHED, 1),
        decision_columns=_hash_columns(decision_hashed(con), 1),
    )
    rel = con.sql(sql)
    return dict(zip(rel.columns, rel.fetchall()[0], strict=True))


def agreement_label() -> str:
    """The guideline-agreement label (sql/agreement_label.sql) as one SQL expression."""
    lines = render(SQL_DIR, "agreement_label").splitlines()
    return "(" + " ".join(x for x in lines if not x.lstrip().startswith("--")) + ")"


def facts_rows(letters: str = "true") -> str:
    """The SELECT of decision_facts rows for the letters passing `letters` (code-made),
    numbering strata as stratum_keys does (sql/derived_stratum_table.sql creates it)."""
    return render(
        SQL_DIR,
        "derived_facts_rows",
        items=render(SQL_DIR, "items"),
        letters=letters,
        agreement=agreement_label(),
        strata="stratum_keys",
    )


def stratum_keys(facts: str, keys: str = "true") -> str:
    """The SELECT of stratum_keys rows: the strata of `facts` (a table) passing `keys`."""
    return render(SQL_DIR, "derived_stratum_keys", facts=facts, keys=keys)


def write_state(con: duckdb.DuckDBPyConnection, fp: dict[str, object]) -> None:
    """Record `fp` (and the newest ingest time) as what the derived tables hold."""
    through = con.execute(render(SQL_DIR, "derived_ingested_through")).fetchall()[0][0]
    params = {k: str(fp[k]) for k in FINGERPRINT_KEYS}
    con.execute(render(SQL_DIR, "derived_state"), {**params, "ingested_through": through})


def refresh_derived(con: duckdb.DuckDBPyConnection, fp: dict[str, object] | None = None) -> str:
    """(Re)build the derived tables in one transaction on a writable connection.
    `fp`: the base tables' fingerprint when the caller has just computed it."""
    install_macros(con)
    con.execute("set enable_progress_bar = false")  # ingest draws its own progress
    con.execute("begin transaction")
    try:
        con.execute(render(SQL_DIR, "derived_stratum_table"))  # the numbers kept
        con.execute(render(SQL_DIR, "derived_facts", rows=facts_rows()))
        members = render(SQL_DIR, "derived_state_sets", facts="decision_facts", sets="true")
        con.execute(f"create or replace table state_set_members as {members}")
        con.execute(f"create or replace table stratum_keys as {stratum_keys('decision_facts')}")
        options = render(SQL_DIR, "filter_options", items=FACTS)
        con.execute(render(SQL_DIR, "derived_filter_values", filter_options=options))
        write_state(con, fp or fingerprint(con))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    remember_fresh(con)
    rows = con.sql("select count(*) from decision_facts").fetchall()[0][0]
    return f"{rows:,} decision_facts rows"


def remember_fresh(con: duckdb.DuckDBPyConnection) -> None:
    """After a refresh committed: this version of the file is fresh (no second scan)."""
    _fresh_cache.clear()
    path = db_path_of(con)
    if path:
        _fresh_cache[str(path)] = (db_version(path), True)


def derived_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the derived tables were built from exactly the current base tables' content.

    Cached per database file version, so the fingerprint's scan runs once per change.
    """
    path = db_path_of(con)
    version = db_version(path) if path else None
    if path and (hit := _fresh_cache.get(str(path))) and hit[0] == version:
        return hit[1]
    fresh = _matches(con, fingerprint(con))
    if path:
        _fresh_cache[str(path)] = (version, fresh)
    return fresh


def read_state(con: duckdb.DuckDBPyConnection) -> dict[str, object] | None:
    """What derived_state says the derived tables hold; None when any of them is missing."""
    present = con.sql(render(SQL_DIR, "derived_present")).fetchall()[0][0]
    if present != DERIVED_TABLES:
        return None
    rel = con.sql(render(SQL_DIR, "derived_read_state"))
    rows = rel.fetchall()
    if len(rows) != 1:
        return None
    state = dict(zip(rel.columns, rows[0], strict=True))
    # an older layout (no ingested_through) built decision_facts without today's columns
    if not all(k in state for k in (*FINGERPRINT_KEYS, "ingested_through")):
        return None
    return state if set(ADDED_COLUMNS) <= facts_columns(con) else None


def facts_columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {c[0] for c in con.execute("describe decision_facts").fetchall()}


def _matches(con: duckdb.DuckDBPyConnection, fp: dict[str, object]) -> bool:
    state = read_state(con)
    return state is not None and all(state[k] == fp[k] for k in FINGERPRINT_KEYS)


def items_sql(con: duckdb.DuckDBPyConnection, *, needs_rationale: bool = False) -> str:
    """The SQL of the `items` relation: the derived table when fresh, else the join."""
    if not needs_rationale and derived_fresh(con):
        return FACTS
    return render(SQL_DIR, "items")
