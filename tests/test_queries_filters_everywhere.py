"""Every filter applies alike to summary, breakdowns, trend, paged table, search and export."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest

import queries as q
from tests.querydb import HOSTILE, build_query_db, expected_items, keys

WORD = r"(?i)\bzolpidem\b"
CASES = {  # Filters kwargs -> the same selection as a polars expression on raw rows
    "date_from": ({"date_from": date(2016, 1, 1)}, pl.col("decision_date") >= date(2016, 1, 1)),
    "date_to": ({"date_to": date(2015, 12, 31)}, pl.col("decision_date") <= date(2015, 12, 31)),
    "service_category": ({"service_category": ("Surgery", "Rehabilitation")},
                         pl.col("service_category").is_in(["Surgery", "Rehabilitation"])),
    "service_subcategory": ({"service_subcategory": HOSTILE},
                            pl.col("service_subcategory") == HOSTILE),
    "drug_class": ({"drug_class": "Opioids"}, pl.col("drug_class") == "Opioids"),
    "ca_guideline_source": ({"ca_guideline_source": "ODG"}, pl.col("ca_guideline_source") == "ODG"),
    "imr_guideline_source": ({"imr_guideline_source": "MTUS"},
                             pl.col("imr_guideline_source") == "MTUS"),
    "ca_mtus_chapter": ({"ca_mtus_chapter": "none"}, pl.col("ca_mtus_chapter") == "none"),
    "imr_mtus_chapter": ({"imr_mtus_chapter": "Low Back"},
                         pl.col("imr_mtus_chapter") == "Low Back"),
    "reviewer_specialty": ({"reviewer_specialty": "Family Practice"},
                           pl.col("reviewer_specialty") == "Family Practice"),
    "reviewer_state": ({"reviewer_state": ("Texas", "unknown")},
                       pl.col("reviewer_states").list.contains("Texas")
                       | pl.col("reviewer_states").list.contains("unknown")),
    "priority": ({"priority": "unknown"}, pl.col("priority") == "unknown"),
    "layout": ({"layout": "notice_2013"}, pl.col("layout") == "notice_2013"),
    "case_outcome": ({"case_outcome": "Partially Overturned"},
                     pl.col("case_outcome") == "Partially Overturned"),
    "age_band": ({"age_band": ("<30", "unknown")}, pl.col("age_band").is_in(["<30", "unknown"])),
    "patient_sex": ({"patient_sex": "female"}, pl.col("patient_sex") == "female"),
    "licensed_in_california": ({"licensed_in_california": True}, pl.col("licensed_in_california")),
    "partly_authorized": ({"partly_authorized": True}, pl.col("partly_authorized")),
    "is_demo": ({"is_demo": False}, ~pl.col("is_demo")),
    "text": ({"text": "ZOLPIDEM"}, pl.col("service").str.contains(WORD)
             | pl.col("rationale").fill_null("").str.contains(WORD)),
}  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_query_db(tmp_path_factory.mktemp("e") / "imr.duckdb")
    q.build_search_index(path)
    return path


@pytest.fixture(scope="module")
def raw(db):
    return expected_items(db)


@pytest.fixture(scope="module")
def con(db, raw):
    con = q.open_db(db)
    yield con
    con.close()


def test_every_filter_field_has_a_case():
    from dataclasses import fields

    assert {f.name for f in fields(q.Filters)} == set(CASES)


@pytest.mark.parametrize("name", list(CASES))
def test_filter_applies_everywhere(con, raw, name):
    kwargs, expr = CASES[name]
    f = q.Filters(**kwargs).validate(q.filter_options(con))
    want = raw.filter(expr)
    n, k = want.height, int(want["overturned"].sum())
    assert 0 < n < raw.height, "a filter that selects all or nothing proves nothing"

    s = q.summary(con, f).row(0, named=True)
    assert (s["decisions"], s["overturned"]) == (n, k)
    by = q.overturn_rate_by(con, "service_category", f)
    assert (by["decisions"].sum(), by["overturned"].sum()) == (n, k)
    dated = want.filter(pl.col("decision_date").is_not_null())
    trend = q.trend(con, "year", f)
    assert (trend["decisions"].sum(), trend["overturned"].sum()) == (dated.height, k - int(
        want.filter(pl.col("decision_date").is_null())["overturned"].sum()))  # fmt: skip
    assert q.decision_count(con, f) == n
    assert keys(q.decisions(con, f, limit=10_000)) == keys(want)

    found = q.search(con, "the", f, limit=10_000)  # every non-null rationale starts "The"
    assert keys(found) == keys(want.filter(pl.col("rationale").is_not_null()))
    assert q.search_count(con, "the", f) == found.height

    data, manifest = q.export_bytes(con, f, "parquet")
    exported = pl.read_parquet(io.BytesIO(data))
    assert keys(exported) == keys(want) and manifest["rows"] == n


def test_all_filters_together_still_agree(con, raw):
    f = q.Filters(
        service_category=("Surgery", "Rehabilitation", "Pharmaceuticals"),
        is_demo=False,
        date_from=date(2015, 6, 1),
        patient_sex=("male", "unknown"),
    )
    want = raw.filter(
        pl.col("service_category").is_in(["Surgery", "Rehabilitation", "Pharmaceuticals"]),
        ~pl.col("is_demo"), pl.col("decision_date") >= date(2015, 6, 1),
        pl.col("patient_sex").is_in(["male", "unknown"]),
    )  # fmt: skip
    assert q.decision_count(con, f) == want.height > 0
    assert keys(q.decisions(con, f, limit=10_000)) == keys(want)
