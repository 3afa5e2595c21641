"""Mix over time: what share of decisions each service category, subcategory or drug class
is, per period, and the opioid share of pharmaceutical decisions (DWC's yearly headline)."""

from __future__ import annotations

import duckdb
import polars as pl

from queries.binding import bound
from queries.filters import FilterError, Filters
from queries.grouping import check_grain, check_grouping, mark_partial, span
from queries.runner import run

PHARMA = "Pharmaceuticals"  # the DWC category (ingest/taxonomy/services.toml)
OPIOIDS = "Opioids"  # its drug class (ingest/taxonomy/drugs.toml)
# Shares must add up to one per period: a letter listing three states would count thrice.
NOT_A_MIX = ("reviewer_state", "guideline_agreement")


def mix(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    grain: str,
    level: str = "service_category",
    *,
    within: str | None = None,
) -> pl.DataFrame:
    """Share of dated decisions per `level` value and period; `within` one service category
    (e.g. subcategories within Rehabilitation, drug classes within Pharmaceuticals)."""
    check_grain(grain)
    if check_grouping(level, "level") in NOT_A_MIX:
        raise FilterError(f"{level!r} is not a mix: its shares would not add up to one")
    with bound(con, f) as (where, params):
        out = run(
            con, "mix", {**params, **({"within": within} if within else {})},
            where=where, within="service_category = $within" if within else "true",
            grain=grain, level=level,
        )  # fmt: skip
    return mark_partial(out, grain, *span(con, f))


def opioid_share(con: duckdb.DuckDBPyConnection, f: Filters, grain: str) -> pl.DataFrame:
    """Opioid decisions among dated pharmaceutical decisions, per period."""
    check_grain(grain)
    with bound(con, f) as (where, params):
        out = run(
            con, "opioid_share", {**params, "pharma": PHARMA, "opioids": OPIOIDS},
            where=where, grain=grain,
        )  # fmt: skip
    return mark_partial(out, grain, *span(con, f))
