"""Cases, not only items: how whole letters end (fully upheld, partly or fully overturned),
how many items a letter carries, and partly authorised (UR modified) against fully denied
requests (CWCI tracks the first since 2019)."""

from __future__ import annotations

import duckdb
import polars as pl

from queries.binding import bound
from queries.clustered import clustered_difference, clustered_rate_by
from queries.filters import Filters
from queries.grouping import mark_partial, period_sql, span
from queries.letter_rows import first_row
from queries.part_hits import matched
from queries.runner import run
from queries.text_counts import counted
from queries.vocab import MIN_N

# Case outcomes in the order a reader scans them (all upheld -> all overturned).
OUTCOME_ORDER = ("Upheld", "Partially Overturned", "Overturned")


def _keys(first: str | None, grain: str | None, sized: bool = False) -> dict[str, str]:
    """Grouping fragments, and which CTE gives one row per matching letter (see the SQL):
    `first` as `first_row` (or the first rows of the parts a text matches).
    `sized`: items_per_letter, whose whole-letter path counts rows, a part's its item count."""
    per_letter = "grouped_letters" if first is None else "first_items"
    if sized and first is not None and first != "item_no = 1":
        per_letter = "part_items"
    out = {"per_letter": per_letter, "first": first or "false"}
    if grain is None:
        return {"keys": "'all' as scope", "names": "scope", "dated": "", **out}
    return {"keys": f"{period_sql(grain)} as period", "names": "period",
            "dated": "where decision_date is not null", **out}  # fmt: skip


def _letters(
    con: duckdb.DuckDBPyConnection,
    name: str,
    f: Filters,
    grain: str | None,
    extra: dict[str, object],
    sized: bool = False,
) -> pl.DataFrame:
    """Run `name` per letter: under a text, when the other filters select whole parts, their
    first rows whose part the text matches (queries/text_counts.py, else part_hits.py); else
    one row per matching letter as `first_row` allows."""
    out = None
    if f.text:
        with bound(con, f.replace(text=None)) as (where, params):
            with counted(con, f, where) as c:  # the text's counts per part, text_counts.py
                if c is not None:
                    out = run(con, name, {**params, **extra}, where=where, text_join=c.join,
                              **_keys(c.first, grain, sized))  # fmt: skip
            if out is None and (hit := matched(con, f, where)) is not None:
                out = run(con, name, {**params, **hit.params, **extra}, where=hit.where(where),
                          text_join="", **_keys(hit.part.first, grain, sized))  # fmt: skip
    if out is None:
        with bound(con, f) as (where, params):
            out = run(con, name, {**params, **extra}, where=where, text_join="",
                      **_keys(first_row(con, f, where), grain, sized))  # fmt: skip
    return mark_partial(out, grain, *span(con, f)) if grain else out


def case_outcomes(
    con: duckdb.DuckDBPyConnection, f: Filters, grain: str | None = None
) -> pl.DataFrame:
    """Letters per case outcome (and period), with shares and 95 % Wilson intervals."""
    return _letters(con, "case_outcomes", f, grain, {"outcomes": list(OUTCOME_ORDER)})


def items_per_letter(
    con: duckdb.DuckDBPyConnection, f: Filters, grain: str | None = None
) -> pl.DataFrame:
    """Items per letter (mean, share of letters with more than one), per period or overall."""
    return _letters(con, "items_per_letter", f, grain, {}, sized=True)


def partly_vs_denied(
    con: duckdb.DuckDBPyConnection, f: Filters, grain: str | None = None, *, min_n: int = MIN_N
) -> pl.DataFrame:
    """Overturn rate of partly authorised (UR modified) vs fully denied requests, with plain
    and letter-clustered intervals (per period with `grain`)."""
    return clustered_rate_by(con, f, "partly_authorized", grain=grain, min_n=min_n)


def partly_vs_denied_difference(rates: pl.DataFrame) -> dict[str, object] | None:
    """Partly authorised minus fully denied (rows of `partly_vs_denied` without a grain):
    the clustered difference; None when a side is empty."""
    sides = {r["partly_authorized"]: r for r in rates.iter_rows(named=True)}
    if True not in sides or False not in sides:
        return None
    d = clustered_difference(sides[True], sides[False])
    return {"diff": d.diff, "ci_low": d.ci_low, "ci_high": d.ci_high, "p_value": d.p_value,
            "test": d.test}  # fmt: skip
