"""How often our parse agrees with DWC's own coding of the same letters (`dwc_search`).

DWC publishes, beside every letter, its human-coded category, subcategory / drug class and
decision per treatment, and the case outcome, dates and reviewer specialty: a large check of
both the parser (outcomes, dates) and the taxonomy (categories). DWC's wording is mapped to
ours through dwc_vocabulary.toml; anything unmapped is compared as printed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from common.sqlfiles import render
from queries.connection import SQL_DIR, install_macros

VOCABULARY = Path(__file__).with_name("dwc_vocabulary.toml")


@dataclass(frozen=True)
class Agreement:
    coverage: dict[str, int]  # dwc_cases, parsed_cases, dwc_items, matched_items
    fields: pl.DataFrame  # field, unit, compared, agree, disagree, agreement, ci_low, ci_high
    confusion: pl.DataFrame  # dwc_category, our_category, items
    disagreements: pl.DataFrame  # case_number, letter_id, item_position, field, dwc, ours

    @property
    def empty(self) -> bool:
        return self.coverage.get("parsed_cases", 0) == 0


@cache
def vocabulary() -> pl.DataFrame:
    """(kind, dwc, ours) rows of dwc_vocabulary.toml."""
    data = tomllib.loads(VOCABULARY.read_text("utf-8"))
    rows = [(kind, dwc, ours) for kind, table in data.items() for dwc, ours in table.items()]
    return pl.DataFrame(rows, schema=["kind", "dwc", "ours"], orient="row")


def has_dwc_search(con: duckdb.DuckDBPyConnection) -> bool:
    """The table exists once `imr fetch` has run against this database."""
    found = con.execute(
        "select count(*) from information_schema.tables where table_name = 'dwc_search'"
    ).fetchall()
    return bool(found[0][0])


def agreement(con: duckdb.DuckDBPyConnection) -> Agreement:
    """Per-field agreement, the category confusion table and every disagreement."""
    if not has_dwc_search(con):
        empty = dict.fromkeys(("dwc_cases", "parsed_cases", "dwc_items", "matched_items"), 0)
        return Agreement(empty, _empty_fields(), pl.DataFrame(), pl.DataFrame())
    install_macros(con)
    con.register("dwc_vocabulary", vocabulary())
    try:
        coverage = _run(con, "agreement_coverage").row(0, named=True)
        return Agreement(
            coverage=coverage,
            fields=_run(con, "agreement_fields"),
            confusion=_run(con, "agreement_confusion"),
            disagreements=_run(con, "agreement_disagreements"),
        )
    finally:
        con.unregister("dwc_vocabulary")


def _run(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    """`name` over the pairs relation (agreement_pairs.sql, filled into its `{pairs}` slot)."""
    return con.sql(render(SQL_DIR, name, pairs=render(SQL_DIR, "agreement_pairs"))).pl()


def _empty_fields() -> pl.DataFrame:
    schema = {"field": pl.String, "unit": pl.String, "compared": pl.Int64, "agree": pl.Int64,
              "disagree": pl.Int64, "agreement": pl.Float64, "ci_low": pl.Float64,
              "ci_high": pl.Float64}  # fmt: skip
    return pl.DataFrame(schema=schema)
