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
from queries.runner import run

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
    keys, names, expand = [], [], ""
    if grain is not None:
        keys.append(f"{period_sql(grain)} as period")
        names.append("period")
    with bound(con, f) as (where, params):
        first = first_row(con, f, where, by)
        if by is not None:
            expr, expand = key_sql(by)
            if first and by == "reviewer_state":  # one row per letter: count each state once
                expand = ", unnest(list_distinct(reviewer_states)) as reviewer_state"
            keys.append(f"{expr} as {by}")
            names.append(by)
        if not keys:
            keys, names = ["'all' as scope"], ["scope"]
        out = run(
            con, "timeliness", params,
            where=where, keys=", ".join(keys), names=", ".join(names), expand=expand,
            dated="decision_date is not null" if grain else "true",
            letter_rows="first_items" if first else "letter_groups", first=first or "false",
            order=", ".join([*names, "measure"]),
        )  # fmt: skip
    return mark_partial(out, grain, *span(con, f)) if grain else out
