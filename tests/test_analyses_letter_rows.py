"""The letter-first fast path (queries/letter_rows.py): which filters and keys are a letter's
own, and that reading a letter's first item gives what regrouping every item gives."""

from __future__ import annotations

import importlib
from dataclasses import fields

import polars as pl
import pytest

from queries import case_level, letter_rows
from queries.filters import Filters
from queries.grouping import GROUPINGS
from tests.analysesdb import (
    FILTER_CASES,
    assert_fast_paths_equal_the_general_path,
    build_analyses_db,
    raw,
)

timeliness = importlib.import_module("queries.timeliness")  # the package re-exports the function


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_analyses_db(tmp_path_factory.mktemp("lr") / "imr.duckdb")


@pytest.fixture(scope="module")
def rows(db):
    return raw(db)


def test_every_filter_field_is_classified_once():
    names = {f.name for f in fields(Filters)}
    assert names == letter_rows.LETTER_FILTERS | letter_rows.ITEM_FILTERS
    assert not letter_rows.LETTER_FILTERS & letter_rows.ITEM_FILTERS
    assert set(GROUPINGS) >= letter_rows.LETTER_KEYS


def test_letter_fields_are_constant_within_a_letter_and_items_run_1_to_n(rows):
    letter_columns = [c for c in rows.columns if c in letter_rows.LETTER_KEYS]
    letter_columns = [*letter_columns, "reviewer_states", "decision_date"]
    per_letter = rows.group_by("letter_id").agg(
        *(pl.col(c).n_unique().alias(c) for c in letter_columns),
        pl.col("item_no").sort().alias("items"),
    )
    for c in letter_columns:
        assert per_letter[c].max() == 1, c
    for items in per_letter["items"]:
        assert items.to_list() == list(range(1, len(items) + 1))
    # and the item fields really vary within letters (else the test data could not tell)
    assert (
        rows.group_by("letter_id")
        .agg(pl.col("service_category").n_unique())["service_category"]
        .max()
        > 1
    )


def test_whole_letters_decision():
    assert letter_rows.whole_letters(Filters())
    assert letter_rows.whole_letters(Filters(reviewer_state=("Texas",)), "priority", None)
    assert not letter_rows.whole_letters(Filters(text="x"))
    assert not letter_rows.whole_letters(Filters(partly_authorized=True))
    assert not letter_rows.whole_letters(Filters(), "service_category")


@pytest.mark.parametrize("case", ["none", "state_and_date"])
@pytest.mark.parametrize("grain", [None, "quarter"])
def test_fast_path_equals_the_general_path(db, monkeypatch, case, grain):
    """Letter filters only: the first-item path and the regrouping path agree exactly."""
    f = Filters(**FILTER_CASES[case][0])
    calls = [
        lambda con: case_level.case_outcomes(con, f, grain),
        lambda con: case_level.items_per_letter(con, f, grain),
        lambda con: timeliness.timeliness(con, f, grain=grain),
        lambda con: timeliness.timeliness(con, f, by="reviewer_state"),
        lambda con: timeliness.timeliness(con, f, by="priority"),
    ]
    assert_fast_paths_equal_the_general_path(db, calls, monkeypatch)
