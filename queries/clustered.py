"""Rates whose intervals respect letters: items of one letter share a reviewer and a patient.

`clustered_rate_by` returns, per group, the plain Wilson interval next to the letter-clustered
one (linearised variance of the ratio estimator, design effect, Wilson at the effective n;
see sql/clustered_rates.sql and METHODS.md). `clustered_difference` compares two such rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import polars as pl

from common.sqlfiles import render
from queries.binding import bound
from queries.connection import SQL_DIR
from queries.derived import FACTS, items_sql
from queries.filters import FilterError, Filters
from queries.grouping import key_sql, mark_partial, period_sql, span
from queries.letter_rows import Part, letter_part
from queries.missed_rows import Missed, missed
from queries.runner import run
from queries.stats import chi2_p, fisher_exact_p, newcombe_diff
from queries.text_counts import Counted, counted
from queries.vocab import MIN_N


def clustered_rate_by(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    dimension: str | None = None,
    *,
    grain: str | None = None,
    min_n: int = MIN_N,
    top: tuple[str, ...] | None = None,
    other: str = "Other groups",
) -> pl.DataFrame:
    """Rate per `dimension` value (and per period of `grain`), plain and letter-clustered.

    With neither, one row (`scope` = 'all'): the overall design effect. With `top`, values of
    the dimension outside it are pooled into one group labelled `other` (as text).
    """
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 0:
        raise FilterError(f"min_n must be a non-negative integer, got {min_n!r}")
    if dimension is not None:
        key_sql(dimension)  # (checks the name)
    if grain is not None:
        period_sql(grain)
    query = _Query(dimension, grain, min_n, top, other)
    out = _with_text_counts(con, f, query) if f.text else None  # parts' counts under a text
    if out is None:
        with missed(con, f) as m:  # a text in most rows: the rows it misses
            out = None if m is None else _with_misses(con, m, query)
    if out is None:
        with bound(con, f) as (where, bound_params):
            out = _rates(con, letter_part(con, f, where, dimension), where, bound_params, query)
    if grain is None:
        return out
    return mark_partial(out, grain, *span(con, f))


@dataclass(frozen=True)
class _Query:
    """What one clustered_rates call groups by; `fragments` makes its SQL for one `where`."""

    dimension: str | None
    grain: str | None
    min_n: int
    top: tuple[str, ...] | None
    other: str

    def fragments(self, con: duckdb.DuckDBPyConnection, where: str) -> dict[str, object]:
        """keys, names, dated, expand, pooled (rows of a pooled group: counted per letter),
        label (the state's group label), other_keys (the period's), order, params."""
        keys, names, expand, params = [], [], "", {"min_n": self.min_n}
        label, pooled = "reviewer_state", "false"
        if self.grain is not None:
            keys.append(f"{period_sql(self.grain)} as period")
            names.append("period")
        if self.dimension is not None:
            expr, expand = group_key(con, where, self.dimension)
            if self.top is not None:
                text = f"({expr})::varchar"
                pooled = f"not list_contains($top, {text})"
                expr = f"case when list_contains($top, {text}) then {text} else $other end"
                label = expr
                params.update(top=list(self.top), other=self.other)
            keys.append(f"{expr} as {self.dimension}")
            names.append(self.dimension)
        other_keys = keys[:-1]
        if not keys:
            keys, names = ["'all' as scope"], ["scope"]
        order = ", ".join(names) if self.grain else "decisions desc, " + ", ".join(names)
        dated = "decision_date is not null" if self.grain else "true"
        frame = {"keys": ", ".join(keys), "names": ", ".join(names), "dated": dated}
        return {"frame": frame, "expand": expand, "pooled": pooled, "label": label,
                "other_keys": other_keys, "order": order, "params": params}  # fmt: skip


def _with_text_counts(
    con: duckdb.DuckDBPyConnection, f: Filters, query: _Query
) -> pl.DataFrame | None:
    """A text on top of other filters that select whole parts: the parts' sums with each
    part's matching counts (queries/text_counts.py: no regrouping of the matching rows, no
    grouping of the missed ones); None when they do not select whole parts."""
    others = f.replace(text=None)
    with bound(con, others) as (where, params), counted(con, f, where, query.dimension) as c:
        if c is None:
            return None
        return _rates(con, c.part, where, params, query, text=c)


def _with_misses(con: duckdb.DuckDBPyConnection, m: Missed, query: _Query) -> pl.DataFrame | None:
    """A text in most rows on top of the other filters (`m.others`), which select whole parts:
    the parts' sums without the text, corrected for the pairs with missed rows (read from the
    missed rows kept per text, queries/missed_rows.py: no semi-join over every row); None when
    they do not select whole parts."""
    with bound(con, m.others) as (where, bound_params):
        part = letter_part(con, m.others, where, query.dimension)
        if part is None:
            return None
        return _rates(con, part, where, bound_params, query, m.rows)


def _rates(
    con: duckdb.DuckDBPyConnection,
    part: Part | None,
    where: str,
    bound_params: dict[str, object],
    query: _Query,
    missed_rows: str | None = None,
    text: Counted | None = None,
) -> pl.DataFrame:
    """clustered_rates.sql over `where`: the part sums (plus the corrections for the rows a
    text misses, `missed_rows`: their registered relation; or the parts' counts under a text,
    `text`) and the per-letter grouping of what they leave."""
    q = query.fragments(con, where)
    frame, expand, pooled = q["frame"], q["expand"], q["pooled"]
    cols = part_columns(part, text)
    if part is None:  # every row grouped per letter
        counts, pooled = _part_counts(cols, frame, expand, pooled), "true"
    elif query.dimension == "reviewer_state":  # pooled states too: from their lists
        counts, pooled = _state_counts(cols, frame, q["other_keys"], q["label"]), "false"
    else:
        counts = _part_counts(cols, frame, expand, pooled)
    hit, join = ("true", "") if text is None else (text.hit, text.join)  # (pooled rows)
    if missed_rows is not None and part is not None:
        # each row once per pair unless a state list repeats a state (the unnest)
        repeats = "count(*) // count(distinct item_no)" if expand else "1"
        fixes = render(
            SQL_DIR, "clustered_miss_counts", expand=expand, pooled=pooled, missed=missed_rows,
            where=where, repeats=repeats, single="false" if expand else "part_n = 1",
            part_n=part.items, part_k=part.overturned, **frame,
        )  # fmt: skip
        counts = f"select * from ({counts}) union all by name select * from ({fixes})"
        hit = f"decision_no not in (select decision_no from {missed_rows})"
    return run(
        con, "clustered_rates", {**bound_params, **q["params"]},
        where=where, expand=expand, order=q["order"], pooled=pooled, part_counts=counts,
        hit=hit, text_join=join, **frame,
    )  # fmt: skip


def part_columns(part: Part | None, text: Counted | None = None) -> dict[str, str]:
    """The part-sum SQL's slots: the part's first-row flag and its counts (under a text, the
    matching counts at the first rows of the parts with a match, queries/text_counts.py); none
    without a part."""
    if part is None:
        return {"first": "false", "part_n": "0", "part_k": "0"}
    if text is not None:
        return {"first": text.first, "part_n": text.n, "part_k": text.k}
    return {"first": part.first, "part_n": part.items, "part_k": part.overturned}


def _part_counts(cols: dict[str, str], frame: dict[str, str], expand: str, pooled: str) -> str:
    """clustered_part_counts.sql: sums over whole parts' first rows (none without a part)."""
    return render(SQL_DIR, "clustered_part_counts", expand=expand, pooled=pooled, **cols, **frame)


def _state_counts(
    cols: dict[str, str], frame: dict[str, str], other_keys: list[str], label: str
) -> str:
    """clustered_part_state_counts.sql: the part sums per state list, spread over its states."""
    other_names = [k.rsplit(" as ", 1)[1] for k in other_keys]
    return render(
        SQL_DIR, "clustered_part_state_counts", **cols, names=frame["names"],
        dated=frame["dated"], label=label,
        other_keys="".join(f"{n}, " for n in other_names),
        other_key_exprs="".join(f"{k}, " for k in other_keys),
    )  # fmt: skip


def group_key(con: duckdb.DuckDBPyConnection, where: str, name: str) -> tuple[str, str]:
    """`grouping.key_sql`, but the guideline agreement label read from its stored column when
    the query reads decision_facts (the join fallback computes it)."""
    stored = items_sql(con, needs_rationale="rationale" in where) == FACTS
    if name == "guideline_agreement" and stored:
        return "guideline_agreement", ""
    return key_sql(name)


@dataclass(frozen=True)
class ClusteredDiff:
    diff: float  # rate a - rate b
    se: float | None  # linearised, the two sides taken as letter-disjoint
    ci_low: float  # Newcombe hybrid score from each side's Wilson at its effective n
    ci_high: float
    p_value: float  # two-sided, on design-effect-deflated counts
    test: str  # 'chi2' or 'fisher'


def effective(row: Mapping[str, object]) -> tuple[float, float]:
    """(k / deff, n / deff) with deff floored at 1: the counts an independent sample of the
    same precision would have."""
    deff = max(1.0, float(row.get("deff") or 1.0))
    return float(row["overturned"]) / deff, float(row["decisions"]) / deff


def clustered_difference(a: Mapping[str, object], b: Mapping[str, object]) -> ClusteredDiff:
    """Difference of two clustered rates (rows of `clustered_rate_by`).

    Exact for letter-disjoint sides (two periods: a letter has one decision date). When the
    sides share letters the covariance is left out: with the positive within-letter
    correlation seen in IMR letters this errs on the wide side.
    """
    ka, na = effective(a)
    kb, nb = effective(b)
    low, high = newcombe_diff(ka, na, kb, nb)
    var = [r.get("se_cluster") for r in (a, b)]
    se = math.hypot(*var) if all(v is not None for v in var) else None
    p, test = deflated_p(ka, na, kb, nb)
    return ClusteredDiff(ka / na - kb / nb, se, low, high, p, test)


def deflated_p(ka: float, na: float, kb: float, nb: float) -> tuple[float, str]:
    """Two-sided p on effective counts: Pearson chi-square (a first-order Rao-Scott style
    correction: the statistic divided by the design effect), or Fisher's exact test on the
    rounded counts when an expected cell is under 5."""
    a, b, c, d = ka, na - ka, kb, nb - kb
    n = na + nb
    smallest = min(r * s / n for r in (na, nb) for s in (a + c, b + d)) if n else 0.0
    if smallest < 5:
        return fisher_exact_p(*(round(x) for x in (a, b, c, d))), "fisher"
    return chi2_p(a, b, c, d), "chi2"
