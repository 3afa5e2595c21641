"""Letter text -> the category columns of the public schema, and re-normalisation in place.

The raw text always stays beside the categories (`service`, `ca_guideline`, ...), so a
taxonomy change is applied by `renormalize` from the database alone, without re-parsing PDFs.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from common.sqlfiles import render
from ingest import classify_guideline as _guideline
from ingest import classify_service as _service
from ingest import classify_specialty as _specialty
from ingest.classify_guideline import GuidelineClass, classify_guideline
from ingest.classify_service import ServiceClass, classify_service
from ingest.classify_specialty import canonical_certifications, canonical_specialty

__all__ = [
    "GuidelineClass",
    "ServiceClass",
    "canonical_certifications",
    "canonical_specialty",
    "classify_guideline",
    "classify_service",
    "decision_categories",
    "renormalize",
]

SQL_DIR = Path(__file__).with_name("sql")
_SERVICE_COLUMNS = ("service", "service_category", "service_subcategory", "drug_class")


def decision_categories(
    service: str, ca_guideline: str | None, imr_guideline: str | None
) -> dict[str, str | None]:
    """Exactly the category columns of one `decisions` row."""
    s = classify_service(service)
    ca, imr = classify_guideline(ca_guideline or ""), classify_guideline(imr_guideline or "")
    return {
        "service_category": s.category,
        "service_subcategory": s.subcategory,
        "drug_class": s.drug_class,
        "ca_guideline_source": ca.source,
        "imr_guideline_source": imr.source,
        "ca_mtus_chapter": ca.mtus_chapter,
        "imr_mtus_chapter": imr.mtus_chapter,
    }


def clear_caches() -> None:
    """Forget compiled taxonomies and cached results, so edited TOML files take effect."""
    for fn in (
        _service._rules,
        _service.classify_service,
        _guideline._rules,
        _guideline.classify_guideline,
        _specialty._table,
        _specialty.canonical_name,
    ):
        fn.cache_clear()


def _strings(con: duckdb.DuckDBPyConnection, name: str) -> list:
    return con.sql(render(SQL_DIR, name)).pl().to_series().to_list()


def _service_frame(services: list[str]) -> pl.DataFrame:
    classes = [classify_service(s) for s in services]
    return pl.DataFrame(
        {
            "service": services,
            "service_category": [c.category for c in classes],
            "service_subcategory": [c.subcategory for c in classes],
            "drug_class": [c.drug_class for c in classes],
        },
        schema={k: pl.String for k in _SERVICE_COLUMNS},
    )


def _guideline_frame(citations: list[str]) -> pl.DataFrame:
    classes = [classify_guideline(c) for c in citations]
    return pl.DataFrame(
        {
            "citation": citations,
            "source": [g.source for g in classes],
            "mtus_chapter": [g.mtus_chapter for g in classes],
        },
        schema={"citation": pl.String, "source": pl.String, "mtus_chapter": pl.String},
    )


def _specialty_frame(lists: list[list[str] | None]) -> pl.DataFrame:
    lists = [c for c in lists if c is not None]
    schema = {"certifications": pl.List(pl.String), "reviewer_specialty": pl.String}
    return pl.DataFrame(
        {"certifications": lists, "reviewer_specialty": [canonical_specialty(c) for c in lists]},
        schema=schema,
    )


def _update(
    con: duckdb.DuckDBPyConnection, view: str, frame: pl.DataFrame, sql: str, **fragments: str
) -> int:
    con.register(view, frame.to_arrow())
    try:
        return con.execute(render(SQL_DIR, sql, **fragments)).fetchone()[0]
    finally:
        con.unregister(view)


def renormalize(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Recompute every category column from the stored raw text, in one transaction.

    Each distinct string is classified once in Python; the results are joined back in bulk.
    Returns the number of rows changed per group of columns.
    """
    clear_caches()
    services = _service_frame(_strings(con, "distinct_services"))
    citations = _guideline_frame(_strings(con, "distinct_citations"))
    specialties = _specialty_frame(_strings(con, "distinct_certifications"))
    con.begin()
    try:
        changed = {
            "service": _update(con, "norm_services", services, "renormalize_services"),
            **{
                f"{side}_guideline": _update(
                    con, "norm_guidelines", citations, "renormalize_guidelines", side=side
                )
                for side in ("ca", "imr")
            },
            "reviewer_specialty": _update(
                con, "norm_specialties", specialties, "renormalize_specialties"
            ),
        }
    except BaseException:
        con.rollback()
        raise
    con.commit()
    return changed
