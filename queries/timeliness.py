"""Timeliness of IMR from the letters' header dates (DWC's definitions, see METHODS.md).

Two spans per letter: Date Assigned -> Decision Date ("average age from assigned date") and
UR Denial -> Application Received (the 30-day filing window). "Age from complete medical
records" needs the records-received date, which the letters do not print.
"""

from __future__ import annotations

import duckdb
import polars as pl

from queries.binding import bound
from queries.filters import Filters
from queries.grouping import key_sql, mark_partial, period_sql, span
from queries.letter_rows import first_row
from queries.part_hits import matched
from queries.runner import run
from queries.text_counts import counted

MEASURES = {
    "assigned_to_decision": "Date assigned to decision (days)",
    "ur_denial_to_application": "UR denial to application received (days)",
}
LIMIT_DAYS = 30  # the filing window; also the standard review's deadline (from records)


def timeliness(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    *,
    grain: str | None = None,
    by: str | None = None,
) -> pl.DataFrame:
    """n, median, p90, mean and share over 30 days per measure (per period and/or group).

    With neither `grain` nor `by`: one row per measure (`scope` = 'all').
    """
    if f.text:  # the first rows of the whole parts the text matches
        with bound(con, f.replace(text=None)) as (where, params):
            with counted(con, f, where, by) as c:  # (queries/text_counts.py)
                out = None if c is None else _run(con, params, where, grain, by, c.first, c.join)
            if out is None and (hit := matched(con, f, where, by)) is not None:  # part_hits.py
                out = _run(con, {**params, **hit.params}, hit.where(where), grain, by,
                           hit.part.first)  # fmt: skip
            if out is not None:
                return mark_partial(out, grain, *span(con, f)) if grain else out
    with bound(con, f) as (where, params):
        out = _run(con, params, where, grain, by, first_row(con, f, where, by))
    return mark_partial(out, grain, *span(con, f)) if grain else out


def _run(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, object],
    where: str,
    grain: str | None,
    by: str | None,
    first: str | None,
    text_join: str = "",
) -> pl.DataFrame:
    """timeliness.sql with its fragments: `first` as `first_row` (or the first rows of the
    parts a text matches: queries/text_counts.py with its `text_join`, or part_hits.py)."""
    keys, names, expand, join = [], [], "", ""
    if grain is not None:
        keys.append(f"{period_sql(grain)} as period")
        names.append("period")
    if by is not None:
        expr, expand = key_sql(by)
        if first and by == "reviewer_state" and first != "item_no = 1":
            # one row per letter on decision_facts: per state list first, each state once
            expr, expand, join = "state_set", "", _STATES
        elif first and by == "reviewer_state":  # one row per letter: count each state once
            expand = ", unnest(list_distinct(reviewer_states)) as reviewer_state"
        keys.append(expr if join else f"{expr} as {by}")
        names.append(by)
    if not keys:
        keys, names = ["'all' as scope"], ["scope"]
    return run(
        con, "timeliness", params,
        where=where, keys=", ".join(keys), names=", ".join(names), expand=expand, join=join,
        text_join=text_join,
        dated="decision_date is not null" if grain else "true",
        letter_rows="first_items" if first else "letter_groups", first=first or "false",
        order=", ".join([*names, "measure"]),
    )  # fmt: skip


_STATES = (
    " join (select state_set, reviewer_state from state_set_members where state_first) as states"
    " using (state_set)"
)
