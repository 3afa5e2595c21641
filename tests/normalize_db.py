"""A tiny in-memory database in the public schema, for renormalisation and coverage tests."""

from __future__ import annotations

from pathlib import Path

import duckdb

SCHEMA = (Path(__file__).resolve().parents[1] / "ingest" / "schema.sql").read_text()


def empty_db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(SCHEMA)
    return con


def add_letter(
    con: duckdb.DuckDBPyConnection, letter_id: str, certs: list[str], specialty: str
) -> None:
    con.execute(
        """insert into letters (letter_id, layout, source_path, source_sha256, reviewer_specialty,
               reviewer_certifications, reviewer_states, licensed_in_california, case_outcome,
               item_count, raw_text, parser_version, ingested_at)
           values (?, 'determination_2015', 'x.pdf', ?, ?, ?, ['California'], true, 'Upheld', 1,
                   '', '1', now())""",
        [letter_id, letter_id, specialty, certs],
    )


def add_decision(
    con: duckdb.DuckDBPyConnection,
    letter_id: str,
    item_no: int,
    service: str,
    ca: str | None = "",
    imr: str | None = "",
    categories: tuple[str, str, str] = ("Stale", "Stale", "Stale"),
    sources: tuple[str, str, str | None, str | None] = ("Stale", "Stale", "Stale", "Stale"),
) -> None:
    con.execute(
        """insert into decisions (letter_id, item_no, service, partly_authorized, service_category,
               service_subcategory, drug_class, outcome, overturned, ca_guideline, imr_guideline,
               ca_guideline_source, imr_guideline_source, ca_mtus_chapter, imr_mtus_chapter)
           values (?, ?, ?, false, ?, ?, ?, 'Upheld', false, ?, ?, ?, ?, ?, ?)""",
        [letter_id, item_no, service, *categories, ca, imr, *sources],
    )
