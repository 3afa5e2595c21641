"""Fair comparison of groups (reviewer specialty, licensure state ...) by indirect
standardisation: specialties review different mixes of services, so raw rates mislead.

Observed / expected overturns (expected from the overall rate of each decision's service
subcategory, and of its year when that changes the answer), an exact Poisson interval, a
funnel plot's 95 % and 99.8 % limits (Spiegelhalter 2005), and BH-adjusted flags.
"""

from __future__ import annotations

import duckdb
import polars as pl

from queries.binding import bound
from queries.derived import FACTS, items_sql
from queries.fdr import FDR, bh_adjust
from queries.filters import FilterError, Filters
from queries.grouping import key_sql
from queries.missed_rows import missed
from queries.poisson import exact_ci, exact_p, funnel_limit
from queries.runner import run
from queries.vocab import MIN_N

# Adding the decision year to the strata "changes the answer" when a compared group's O/E
# moves by more than this, or a group crosses a funnel limit.
YEAR_TOLERANCE = 0.05
LIMITS = {"95": (0.025, 0.975), "99.8": (0.001, 0.999)}
FUNNEL_DIMENSIONS = ("reviewer_specialty", "reviewer_state", "licensed_in_california")


def standardised(
    con: duckdb.DuckDBPyConnection, f: Filters, dimension: str, *, min_n: int = MIN_N
) -> pl.DataFrame:
    """Raw and standardised overturn rates per group, with funnel flags.

    Columns: grp, decisions, observed, rate (+ Wilson ci), expected (of the strata used),
    oe with exact Poisson 95 % ci, adjusted_rate (= oe x overall rate) with its ci, the
    funnel limits at the group's expected count, outside_95 / outside_998, p_value (exact
    Poisson), q_value (BH across the groups that are not small), beyond_noise, strata and
    year_changes_answer (the same for every row).
    """
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 0:
        raise FilterError(f"min_n must be a non-negative integer, got {min_n!r}")
    key, _ = key_sql(dimension)
    on_facts = items_sql(con) == FACTS
    cells = {"cell_key": f"({key})", "grp": "cell_key", "groups_from": "key_counts",
             "cell_group": f"({key})", "weighed": "cells"}  # fmt: skip
    if dimension == "reviewer_state":  # a decision counts once per listing of a state
        cells = {  # too many (list, stratum) cells: every row weighed
            "cell_key": "reviewer_states",
            "grp": "reviewer_state",
            "groups_from": "(select *, unnest(cell_key) as reviewer_state from key_counts)",
            "cell_group": "null",
            "weighed": "rows_as_cells",
        }
        if on_facts:  # per state list's number, then its states
            cells.update(
                cell_key="state_set",
                grp="states.reviewer_state",
                groups_from=(
                    "key_counts join state_set_members as states on states.state_set = cell_key"
                ),
            )
    # a text in most rows: the other filters' cells less the cells of the rows it misses
    with missed(con, f) as m, bound(con, f if m is None else m.others) as (where, params):
        rows, rows_where = (m.rows, where) if m else ("(select * from base where false)", "true")
        frame = {"where": where, "missed": rows, "missed_where": rows_where, **cells}
        raw = run(con, "standardised", {**params, "min_n": min_n}, **frame, **_strata(on_facts))
    by_sub = [_row(r, r["expected_sub"]) for r in raw.iter_rows(named=True)]
    by_year = [_row(r, r["expected_sub_year"]) for r in raw.iter_rows(named=True)]
    changes = _year_changes(by_sub, by_year)
    rows = [_complete(r) for r in (by_year if changes else by_sub)]
    q_values = bh_adjust([None if r["small"] else r["p_value"] for r in rows])
    for r, q in zip(rows, q_values, strict=True):
        r.update(q_value=q, beyond_noise=q is not None and q <= FDR,
                 strata="subcategory x year" if changes else "subcategory",
                 year_changes_answer=changes)  # fmt: skip
    return pl.DataFrame(rows, schema=_SCHEMA)


def _strata(on_facts: bool) -> dict[str, str]:
    """standardised.sql's {stratum} and {stratum_keys}: decision_facts' stratum numbers, or on
    the join the (subcategory, year) pair itself, its parts read off the strata counted."""
    if on_facts:
        keys = "(select stratum as stratum_key, * exclude (stratum) from stratum_keys)"
        return {"stratum": "stratum", "stratum_keys": keys}
    pair = "{'subcategory': service_subcategory, 'year': decision_year}"
    keys = (
        "(select stratum_key, stratum_key.subcategory as service_subcategory,"
        " stratum_key.year as decision_year from stratum_counts)"
    )
    return {"stratum": pair, "stratum_keys": keys}


def _row(r: dict, expected: float | None) -> dict:
    """A group's row with what choosing the strata needs (O/E, the 95 % funnel limits); the
    rest (`_complete`) only for the strata chosen: each exact Poisson figure is a series of
    ~sqrt(E) terms, milliseconds for the expected counts of 3 M decisions."""
    out = {k: r[k] for k in ("grp", "decisions", "observed", "rate", "ci_low", "ci_high",
                             "overall_rate", "small")}  # fmt: skip
    out["expected"] = expected
    blank = dict.fromkeys(("oe", "oe_low", "oe_high", "adjusted_rate", "adjusted_low",
                           "adjusted_high", "p_value", "lo95", "hi95", "lo998",
                           "hi998"))  # fmt: skip
    out.update(blank, outside_95=False, outside_998=False)
    if not expected or expected <= 0:
        return out
    oe = int(r["observed"]) / expected
    lo95, hi95 = (funnel_limit(expected, p) for p in LIMITS["95"])
    overall = r["overall_rate"] or 0.0
    out.update(oe=oe, adjusted_rate=oe * overall, lo95=lo95, hi95=hi95,
               outside_95=not lo95 <= oe <= hi95)  # fmt: skip
    return out


def _complete(out: dict) -> dict:
    """`_row`'s row with the exact interval and test and the 99.8 % funnel limits."""
    expected = out["expected"]
    if out["oe"] is None:
        return out
    o = int(out["observed"])
    low, high = exact_ci(o)
    lo998, hi998 = (funnel_limit(expected, p) for p in LIMITS["99.8"])
    overall = out["overall_rate"] or 0.0
    out.update(
        oe_low=low / expected, oe_high=high / expected, adjusted_low=low / expected * overall,
        adjusted_high=high / expected * overall, p_value=exact_p(o, expected),
        lo998=lo998, hi998=hi998, outside_998=not lo998 <= out["oe"] <= hi998,
    )  # fmt: skip
    return out


def _year_changes(by_sub: list[dict], by_year: list[dict]) -> bool:
    for a, b in zip(by_sub, by_year, strict=True):
        if a["small"] or a["oe"] is None or b["oe"] is None:
            continue
        if abs(a["oe"] - b["oe"]) > YEAR_TOLERANCE or a["outside_95"] != b["outside_95"]:
            return True
    return False


def funnel_curve(expected_min: float, expected_max: float, points: int = 60) -> pl.DataFrame:
    """The funnel's limits on O/E for expected counts from min to max (log-spaced)."""
    lo = max(expected_min * 0.9, 0.05)  # a little room left of the smallest group
    hi = max(expected_max * 1.1, lo * 1.01)
    grid = [lo * (hi / lo) ** (i / (points - 1)) for i in range(points)]
    return pl.DataFrame({
        "expected": grid,
        **{f"{side}{name.replace('.', '')}": [funnel_limit(e, p) for e in grid]
           for name, pair in LIMITS.items() for side, p in zip(("lo", "hi"), pair, strict=True)},
    })  # fmt: skip


_SCHEMA = {
    "grp": pl.String, "decisions": pl.Int64, "observed": pl.Int64, "rate": pl.Float64,
    "ci_low": pl.Float64, "ci_high": pl.Float64, "overall_rate": pl.Float64, "small": pl.Boolean,
    "expected": pl.Float64, "oe": pl.Float64, "oe_low": pl.Float64, "oe_high": pl.Float64,
    "adjusted_rate": pl.Float64, "adjusted_low": pl.Float64, "adjusted_high": pl.Float64,
    "p_value": pl.Float64, "lo95": pl.Float64, "hi95": pl.Float64, "lo998": pl.Float64,
    "hi998": pl.Float64, "outside_95": pl.Boolean, "outside_998": pl.Boolean,
    "q_value": pl.Float64, "beyond_noise": pl.Boolean, "strata": pl.String,
    "year_changes_answer": pl.Boolean,
}  # fmt: skip
