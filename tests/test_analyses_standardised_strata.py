"""Standardisation by decision_facts' stratum numbers (sql/standardised.sql on `stratum` and
stratum_keys) answers exactly as by the (subcategory, year) strings themselves, and as polars,
on a database with an empty-string subcategory, a one-row stratum, undated letters (a NULL
year), repeated state lists, and filters that leave numbered strata without rows."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import queries as q
from queries.derived import refresh_derived
from tests.analysesdb import isclose, make_analysis_rows, raw, rows_matching
from tests.keptdb import kept, plain
from tests.querydb import SCHEMA, insert
from tests.test_analyses_standardised import expected_counts

standardised_module = importlib.import_module("queries.standardised")  # the name is a function too
WORD = "documentation"  # in ~60 % of the rows: the text takes the missed-rows path
DIMENSIONS = ["reviewer_specialty", "reviewer_state", "licensed_in_california",
              "service_subcategory"]  # fmt: skip
CASES = {
    "none": ({}, None),
    "one category": ({"service_category": ("Pharmaceuticals",)},
                     pl.col("service_category") == "Pharmaceuticals"),
    "dated only": ({"date_from": date(2015, 1, 1)},
                   pl.col("decision_date") >= date(2015, 1, 1)),
    "text": ({"text": WORD}, "text"),
    "text and category": ({"text": WORD, "service_category": ("Rehabilitation", "Surgery")},
                          pl.col("service_category").is_in(["Rehabilitation", "Surgery"])),
}  # fmt: skip


def build(path: Path) -> Path:
    letters, items = make_analysis_rows(n_letters=400, seed=5)
    for letter in letters[::9]:  # undated: a NULL year in every subcategory
        letter["decision_date"] = None
    for letter in letters[::5]:  # a state named twice counts twice for it
        letter["reviewer_states"] = [*letter["reviewer_states"], *letter["reviewer_states"][:1]]
    for item in items[::7]:  # an empty-string subcategory, in several years
        item["service_subcategory"] = ""
    items[3]["service_subcategory"] = "Only one row"
    with duckdb.connect(str(path)) as con:
        con.sql(SCHEMA.read_text("utf-8"))
        insert(con, letters, items)
        refresh_derived(con)
    q.build_search_index(path)
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Path]:
    yield from kept(build(tmp_path_factory.mktemp("strata") / "imr.duckdb"))


@pytest.fixture(scope="module")
def rows(db):
    matched = rows_matching(db, WORD).select("letter_id", "item_no", text=pl.lit(True))
    rows = raw(db).join(matched, on=["letter_id", "item_no"], how="left")
    return rows.with_columns(pl.col("text").fill_null(False),
                             pl.col("decision_year").fill_null("undated"))  # fmt: skip


def test_the_database_has_the_awkward_strata(db):
    with plain(db) as con:
        keys = con.sql("select service_subcategory, decision_year from stratum_keys").fetchall()
    assert [k[0] for k in keys].count("Only one row") == 1
    assert any(k[0] == "" for k in keys) and any(k[1] is None for k in keys)


@pytest.mark.parametrize("dimension", DIMENSIONS)
@pytest.mark.parametrize("case", list(CASES))
def test_stratum_numbers_answer_as_the_strings_and_polars(db, rows, monkeypatch, case, dimension):
    kwargs, expr = CASES[case]
    f = q.Filters(**kwargs)
    seen = []
    real = standardised_module.run

    def spy(con, name, params, **fragments):
        seen.append(fragments["stratum"])
        return real(con, name, params, **fragments)

    monkeypatch.setattr(standardised_module, "run", spy)
    con = q.open_db(db)
    try:
        by_number = q.standardised(con, f, dimension, min_n=20)
        monkeypatch.setattr(standardised_module, "items_sql", lambda *a, **k: "the strings")
        by_pair = q.standardised(con, f, dimension, min_n=20)
    finally:
        con.close()
    assert seen[0] == "stratum" and "service_subcategory" in seen[1]
    assert by_number.height > 0
    assert_frame_equal(by_number, by_pair, check_exact=False, rel_tol=1e-12)
    want = rows
    if expr is not None:
        text = isinstance(expr, str) or "text" in kwargs
        want = want.filter(pl.col("text")) if text else want
        want = want.filter(expr) if not isinstance(expr, str) else want
    ref = {r["grp"]: r for r in expected_counts(want, dimension).iter_rows(named=True)}
    assert set(by_number["grp"]) == set(ref)
    key = "e_sy" if by_number["year_changes_answer"][0] else "e_sub"
    for g in by_number.iter_rows(named=True):
        r = ref[g["grp"]]
        assert (g["decisions"], g["observed"]) == (r["n"], r["o"])
        assert isclose(g["expected"], r[key])
