"""`coverage`: classified shares per field and the commonest unclassified raw strings."""

from __future__ import annotations

import duckdb
import polars as pl
from rich.console import Console

from imr.reports import print_coverage
from ingest.normalize import renormalize
from queries.coverage import coverage
from tests.normalize_db import add_decision, add_letter, empty_db

MTUS_KNOWN = "Decision based on MTUS Low Back Complaints 2004."
MTUS_UNKNOWN = "Decision based on MTUS Section 9792.24.2."
ODG = "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Low Back."


def _db() -> duckdb.DuckDBPyConnection:
    """Counted by hand: 6 decisions, 2 letters.

    services: 3 classified (MRI, Norco, PT), 1 unknown drug (pharma, class Unclassified),
    2 x the same unknown gadget -> category 4/6, subcategory 3/6, drug_class 1/2 among pharma.
    ca citations: 4 MTUS (3 known chapter, 1 unknown), 1 ODG, 1 gibberish -> source 5/6,
    chapter 3/4 among MTUS. imr citations: all "" -> None cited, 6/6; no MTUS -> 0 rows.
    specialties: 1 of 2 letters unknown.
    """
    con = empty_db()
    add_letter(con, "A", ["Family Practice"], "x")
    add_letter(con, "B", ["Basket Weaving", "Sports Medicine"], "x")
    add_decision(con, "A", 1, "MRI of the knee", MTUS_KNOWN)
    add_decision(con, "A", 2, "Norco 10/325mg #60", MTUS_KNOWN)
    add_decision(con, "A", 3, "Physical therapy x6", MTUS_KNOWN)
    add_decision(con, "B", 1, "Zorvolex 35mg #90", MTUS_UNKNOWN)
    add_decision(con, "B", 2, "Flux capacitor", ODG)
    add_decision(con, "B", 3, "Flux capacitor", "See attached.")
    renormalize(con)
    return con


def test_shares_per_field() -> None:
    report = coverage(_db())
    got = {r["field"]: (r["classified"], r["total"]) for r in report.shares.iter_rows(named=True)}
    assert got == {
        "service_category": (4, 6),
        "service_subcategory": (3, 6),
        "drug_class": (1, 2),
        "ca_guideline_source": (5, 6),
        "imr_guideline_source": (6, 6),
        "ca_mtus_chapter": (3, 4),
        "imr_mtus_chapter": (0, 0),
        "reviewer_specialty": (1, 2),
    }
    shares = dict(report.shares.select("field", "share").iter_rows())
    assert shares["service_category"] == 4 / 6
    assert shares["imr_mtus_chapter"] is None  # nothing in scope: no share, not 0 % or 100 %


def test_top_unclassified_strings_with_counts() -> None:
    report = coverage(_db())
    got = sorted(report.unclassified.iter_rows())
    assert got == sorted(
        [
            ("service_category", "Flux capacitor", 2),
            ("service_subcategory", "Zorvolex 35mg #90", 1),
            ("drug_class", "Zorvolex 35mg #90", 1),
            ("ca_guideline_source", "See attached.", 1),
            ("ca_mtus_chapter", MTUS_UNKNOWN, 1),
            ("reviewer_specialty", "Basket Weaving", 1),
        ]
    )


def test_top_limits_rows_per_field() -> None:
    con = _db()
    add_decision(con, "B", 4, "Sonic screwdriver")
    add_decision(con, "B", 5, "Sonic screwdriver")
    add_decision(con, "B", 6, "Sonic screwdriver")
    renormalize(con)
    services = coverage(con, top=1).unclassified.filter(pl.col("field") == "service_category")
    assert services.rows() == [("service_category", "Sonic screwdriver", 3)]


def test_print_coverage_renders_both_tables() -> None:
    console = Console(record=True, width=120)
    print_coverage(coverage(_db()), console)
    text = console.export_text()
    assert "service_category" in text and "66.7 %" in text  # 4 of 6
    assert "Flux capacitor" in text and "Basket Weaving" in text


def test_real_letters_meet_the_coverage_targets(real_db) -> None:
    con = duckdb.connect(str(real_db), read_only=True)
    try:
        shares = {r["field"]: r for r in coverage(con).shares.iter_rows(named=True)}
    finally:
        con.close()
    assert shares["service_category"]["total"] == 84
    assert shares["service_category"]["share"] >= 0.97
    assert shares["ca_guideline_source"]["share"] == 1.0
    assert shares["imr_guideline_source"]["share"] == 1.0
    assert shares["reviewer_specialty"] == {
        "field": "reviewer_specialty",
        "classified": 40,
        "total": 40,
        "share": 1.0,
    }
