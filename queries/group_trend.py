"""Trend by group: the overturn rate of the k largest groups of a dimension per period, the
rest pooled, and which groups moved beyond noise between the first and the last complete
period (letter-clustered intervals, Benjamini-Hochberg across the groups)."""

from __future__ import annotations

import duckdb
import polars as pl

from common.sqlfiles import render
from queries.binding import bound, registered
from queries.clustered import clustered_difference, clustered_rate_by, group_key, part_columns
from queries.connection import SQL_DIR
from queries.derived import FACTS, items_sql
from queries.fdr import FDR, bh_adjust
from queries.filters import FilterError, Filters
from queries.grouping import check_grain, check_grouping, mark_partial, period_sql, span
from queries.letter_rows import letter_part
from queries.runner import run
from queries.text_counts import counted
from queries.vocab import MIN_N

OTHER = "Other groups"


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise FilterError(f"k must be a positive integer, got {k!r}")


def top_groups(con: duckdb.DuckDBPyConnection, f: Filters, dimension: str, k: int) -> list[str]:
    _check_k(k)
    check_grouping(dimension)
    with bound(con, f) as (where, params):
        if (
            dimension == "reviewer_state"
            and items_sql(con, needs_rationale="rationale" in where) == FACTS
        ):
            sizes = run(con, "group_state_sizes", params, where=where)
        else:
            expr, expand = group_key(con, where, dimension)
            sizes = run(con, "group_sizes", params, where=where, key=expr, expand=expand)
    return sizes["grp"].head(k).to_list()


def group_trend(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    dimension: str,
    grain: str,
    *,
    k: int = 6,
    min_n: int = MIN_N,
) -> pl.DataFrame:
    """Per period and group (the top `k` by dated decisions, the rest as OTHER): rates with
    plain and letter-clustered 95 % intervals, `partial` periods marked. Values as text."""
    check_grain(grain)
    check_grouping(dimension)
    _check_k(k)
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 0:
        raise FilterError(f"min_n must be a non-negative integer, got {min_n!r}")
    out = pooled_parts(con, f, dimension, grain, k, min_n)
    if out is None:
        top = top_groups(con, f, dimension, k)
        out = clustered_rate_by(con, f, dimension, grain=grain, min_n=min_n, top=tuple(top),
                                other=OTHER)  # fmt: skip
    return out.rename({dimension: "group"})


def pooled_parts(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    dimension: str,
    grain: str,
    k: int,
    min_n: int = MIN_N,
) -> pl.DataFrame | None:
    """`clustered_rate_by(..., top=top_groups(...))` read off the first rows of whole parts of
    letters, or None when the filters and the grouping do not select whole parts (item fields
    of no one part, the join fallback: the general path). Under a text the other filters must
    select whole parts, whose first rows then carry the parts' matching counts
    (queries/text_counts.py), and the pooled rows are the matching ones.

    The general path scans three times: the group sizes, the top groups' part sums and the
    pooled rows (regrouped per letter). Here one pass gives every group's part sums, which
    pick the top k and are their rows (sql/group_trend_groups.sql); only the pooled rows are
    regrouped per letter. By reviewer state one pass over the per-list sums does all
    (sql/group_trend_states.sql). The arguments are checked by group_trend."""
    others = f.replace(text=None)
    with bound(con, others) as (where, bound_params), counted(con, f, where, dimension) as text:
        part = letter_part(con, f, where, dimension) if text is None else text.part
        if part is None:  # (under a text letter_part is None: whole parts of no text)
            return None
        period = period_sql(grain)
        names = f"period, {dimension}"
        cols = {"period": period, **part_columns(part, text)}
        frame = {"where": where, "names": names, "dated": "decision_date is not null",
                 "hit": text.hit if text else "true", "order": names, "expand": "",
                 "text_join": text.join if text else ""}  # fmt: skip
        params = {**bound_params, "min_n": min_n, "other": OTHER}
        if dimension == "reviewer_state":
            counts = render(SQL_DIR, "group_trend_states", **cols)
            out = run(con, "clustered_rates", {**params, "k": k}, pooled="false",
                      keys=f"{period} as period, null::varchar as {dimension}",
                      part_counts=counts, **frame)  # fmt: skip
        else:
            key, _ = group_key(con, where, dimension)
            groups = run(con, "group_trend_groups", bound_params, where=where, key=key,
                         text_join=frame["text_join"], **cols)  # fmt: skip
            top = _top(groups, k)
            label = f"({key})::varchar"
            with registered(con, groups.to_arrow()) as name:
                counts = (f"select period, grp as {dimension}, letters, decisions, overturned, "
                          f"skk, skn, snn from {name} where list_contains($top, grp)")  # fmt: skip
                out = run(
                    con, "clustered_rates", {**params, "top": top},
                    pooled=f"not list_contains($top, {label})", part_counts=counts,
                    keys=(f"{period} as period, case when list_contains($top, {label}) then "
                          f"{label} else $other end as {dimension}"),
                    **frame,
                )  # fmt: skip
    return mark_partial(out, grain, *span(con, f))


def _top(groups: pl.DataFrame, k: int) -> list[str]:
    """The k groups with the most dated decisions, ties by name: group_sizes.sql's order."""
    sizes = groups.group_by("grp").agg(pl.col("decisions").sum())
    return (
        sizes.sort(["decisions", "grp"], descending=[True, False], nulls_last=True)["grp"]
        .head(k)
        .to_list()
    )


def trend_changes(series: pl.DataFrame, fdr: float = FDR) -> pl.DataFrame:
    """Each group's change from the first to the last complete period of `series`.

    The two periods share no letters (a letter has one decision date), so the clustered
    difference is exact; p-values are BH-adjusted across the groups (q_value), and a group is
    `beyond_noise` when q_value <= fdr. Groups absent from either period get no test.
    """
    complete = series.filter(~pl.col("partial"))["period"].unique().sort()
    schema = {"group": pl.String, "first_period": pl.Date, "last_period": pl.Date,
              "first_rate": pl.Float64, "last_rate": pl.Float64, "first_n": pl.Int64,
              "last_n": pl.Int64, "change": pl.Float64, "ci_low": pl.Float64,
              "ci_high": pl.Float64, "p_value": pl.Float64, "q_value": pl.Float64,
              "beyond_noise": pl.Boolean}  # fmt: skip
    if complete.len() < 2:
        return pl.DataFrame(schema=schema)
    first, last = complete[0], complete[-1]
    rows = []
    for group in series["group"].unique(maintain_order=True).to_list():
        at = {r["period"]: r for r in series.filter(pl.col("group") == group).iter_rows(named=True)}
        a, b = at.get(first), at.get(last)
        row = {"group": group, "first_period": first, "last_period": last,
               "first_rate": a and a["rate"], "last_rate": b and b["rate"],
               "first_n": a["decisions"] if a else 0, "last_n": b["decisions"] if b else 0,
               "change": None, "ci_low": None, "ci_high": None, "p_value": None}  # fmt: skip
        if a and b:
            d = clustered_difference(b, a)
            row.update(change=d.diff, ci_low=d.ci_low, ci_high=d.ci_high, p_value=d.p_value)
        rows.append(row)
    q = bh_adjust([r["p_value"] for r in rows])
    for row, q_value in zip(rows, q, strict=True):
        row["q_value"] = q_value
        row["beyond_noise"] = q_value is not None and q_value <= fdr
    return pl.DataFrame(rows, schema=schema)
