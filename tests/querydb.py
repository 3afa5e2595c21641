"""A small deterministic IMR database for the query tests, built straight from the schema.

Every filterable field is varied (including NULL dates, ages, sexes and priorities, empty
state lists, and one category value full of quotes and SQL), so each filter has work to do.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl

from tests.dbcache import once_per_run
from tests.keptdb import plain

SCHEMA = Path(__file__).parents[1] / "ingest" / "schema.sql"
HOSTILE = 'O\'Brien "test"; drop table letters; --'
CATEGORIES = {
    "Pharmaceuticals": ["Opioids", "NSAID", "Topical Compounds"],
    "Rehabilitation": ["Acupuncture", "PT/OT"],
    "Diagnostic Testing": ["Imaging/Radiology", HOSTILE],
    "Surgery": ["Spine"],
    "Unclassified": ["Unclassified"],
}
SPECIALTIES = ["Family Practice", "Occupational Medicine", "Physical Medicine & Rehabilitation",
               "Orthopedic Surgery", "Internal Medicine"]  # fmt: skip
STATES = ["California", "North Carolina", "Texas", "New York"]
LAYOUTS = ["format_d", "medical_professional_review", "notice_2013"]
SOURCES = ["MTUS", "ODG", "ACOEM (non-MTUS)", "Other non-MTUS", "None cited"]
CHAPTERS = [None, "Chronic Pain", "Low Back", "Shoulder"]
WORDS = ["guidelines", "documentation", "pain", "function", "weaning", "improvement", "trial",
         "medical", "necessity", "zolpidem", "sessions", "imaging", "radiculopathy"]  # fmt: skip
BATCH_1 = datetime(2026, 1, 1, 9, 0, 0)


def make_rows(n_letters: int = 300, seed: int = 7, start: int = 0) -> tuple[list, list]:
    rng = random.Random(seed)
    letters, items = [], []
    for i in range(start, start + n_letters):
        letter_id = f"CM16-{i:07d}"
        dated = rng.random() > 0.06
        decision = date(2015, 3, 10) + timedelta(days=rng.randrange(0, 700)) if dated else None
        states = rng.sample(STATES, rng.choice([0, 1, 1, 2, 3]))
        n_items = rng.choice([1, 1, 1, 2, 2, 3, 4])
        outcomes = []
        for no in range(1, n_items + 1):
            cat = rng.choice(list(CATEGORIES))
            sub = rng.choice(CATEGORIES[cat])
            over = rng.random() < (0.35 if cat == "Surgery" else 0.12)
            outcomes.append(over)
            partly = rng.random() < 0.11
            words = " ".join(rng.choices(WORDS, k=12))
            items.append({
                "letter_id": letter_id, "item_no": no,
                "service": f"{sub} request {rng.choice(['A', 'B', 'patient' + chr(39) + 's'])}",
                "original_request": "original" if partly else None,
                "authorized_portion": "part" if partly else None,
                "partly_authorized": partly,
                "service_category": cat, "service_subcategory": sub,
                "drug_class": sub if cat == "Pharmaceuticals" else "Not a drug",
                "outcome": "Overturned" if over else "Upheld", "overturned": over,
                "ca_guideline": "cited", "imr_guideline": "cited",
                "ca_guideline_source": rng.choice(SOURCES),
                "imr_guideline_source": rng.choice(SOURCES),
                "ca_mtus_chapter": rng.choice(CHAPTERS), "imr_mtus_chapter": rng.choice(CHAPTERS),
                "rationale": f"The {words}." if rng.random() > 0.03 else None,
            })  # fmt: skip
        case = "Upheld" if not any(outcomes) else "Overturned" if all(outcomes) else (
            "Partially Overturned")  # fmt: skip
        letters.append({
            "letter_id": letter_id, "case_number": letter_id, "layout": rng.choice(LAYOUTS),
            "source_path": f"/letters/{letter_id}.pdf", "source_sha256": f"{i:064d}",
            "page_count": 3, "date_assigned": None, "date_of_injury": None,
            "decision_date": decision, "ur_denial_date": None, "application_received": None,
            "priority": rng.choice(["Standard", "Standard", "Expedited", None]),
            "reviewer_specialty": rng.choice(SPECIALTIES),
            "reviewer_certifications": ["Cert A", "Cert B"], "reviewer_states": states,
            "licensed_in_california": "California" in states,
            "patient_age": rng.choice([None, *range(21, 72)]),
            "patient_sex": rng.choice(["male", "female", None]),
            "case_outcome": case, "item_count": n_items, "is_demo": rng.random() < 0.2,
            "clinical_summary": "Summary.", "raw_text": f"raw text of {letter_id}",
            "parser_version": "1", "ingested_at": BATCH_1 + timedelta(seconds=i),
        })  # fmt: skip
    return letters, items


def insert(con: duckdb.DuckDBPyConnection, letters: list, items: list) -> None:
    letters_df = pl.DataFrame(letters, infer_schema_length=None)  # noqa: F841 (read by SQL)
    items_df = pl.DataFrame(items, infer_schema_length=None)  # noqa: F841
    con.sql("insert into letters by name select * from letters_df")
    con.sql("insert into decisions by name select * from items_df")


@once_per_run
def build_query_db(path: Path, n_letters: int = 300, seed: int = 7) -> Path:
    """Create the database file at `path` (no search index; tests build it when needed)."""
    with duckdb.connect(str(path)) as con:
        con.sql(SCHEMA.read_text("utf-8"))
        insert(con, *make_rows(n_letters, seed))
        con.sql(
            "insert into quarantine values ('/letters/bad.pdf', 'abc', 'extract',"
            " 'no_text_layer', 'no text', timestamp '2026-01-02 10:00:00')"
        )
    return path


def raw_items(path: Path) -> pl.DataFrame:
    """Decisions joined with their letters, read plainly (no query-layer code)."""
    with plain(path) as con:  # the app's settings: allowed while a test keeps `path` open
        return con.sql(
            "select d.*, l.* exclude (letter_id) from decisions d join letters l using (letter_id)"
        ).pl()


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for upper, band in ((30, "<30"), (40, "30-39"), (50, "40-49"), (60, "50-59")):
        if age < upper:
            return band
    return "60+"


def expected_items(path: Path) -> pl.DataFrame:
    """raw_items with the derived filter columns, computed in polars/Python independently."""
    raw = raw_items(path)
    return raw.with_columns(
        pl.col("patient_age")
        .map_elements(age_band, return_dtype=pl.String)
        .fill_null("unknown")  # map_elements skips nulls
        .alias("age_band"),
        pl.col("priority").fill_null("unknown"),
        pl.col("patient_sex").fill_null("unknown"),
        pl.col("ca_mtus_chapter").fill_null("none"),
        pl.col("imr_mtus_chapter").fill_null("none"),
        pl.when(pl.col("reviewer_states").list.len() == 0)
        .then(pl.lit(["unknown"]))
        .otherwise(pl.col("reviewer_states"))
        .alias("reviewer_states"),
        pl.col("decision_date").dt.year().cast(pl.String).alias("decision_year"),
    )


def keys(df: pl.DataFrame) -> set[tuple[str, int]]:
    return set(zip(df["letter_id"].to_list(), df["item_no"].to_list(), strict=True))
