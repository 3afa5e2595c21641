"""Stop 22's text paths. The parts a text matches (queries/part_hits.py: the first rows of the
parts with a match, one bit per decision number) for timeliness, case outcomes and items per
letter, at every part kind, including the two-field parts (one category by side, one category
by agreement) and a text in few rows; and the clustered corrections read off the missed rows
kept per text (sql/clustered_miss_counts.sql). Each against the general path and against
polars on the raw rows the index matches, and each path is checked to be taken."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

import queries as q
from queries import case_level, clustered, missed_rows, part_hits
from queries.filters import Filters
from tests.analysesdb import (
    assert_fast_paths_equal_the_general_path,
    clustered_reference,
    indexed_with_repeated_states,
    isclose,
    refused,
    rows_matching,
)
from tests.keptdb import kept

timeliness = importlib.import_module("queries.timeliness")  # the package re-exports the function
WORD = "documentation"  # in ~60 % of the rows of the test data: the index answers with misses
PHARMA = ("Pharmaceuticals",)

# (other filters, grouping) -> the part part_hits.matched must pick
PARTS = {
    "letter": ({}, None),
    "category": ({"service_category": PHARMA}, None),
    "partly": ({"partly_authorized": True}, None),
    "agreement": ({}, "guideline_agreement"),
    "category_partly": ({"service_category": PHARMA}, "partly_authorized"),
    "category_agreement": ({"service_category": PHARMA}, "guideline_agreement"),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Path]:
    yield from kept(indexed_with_repeated_states(tmp_path_factory.mktemp("parts") / "imr.duckdb"))


@pytest.fixture(scope="module")
def hits(db):
    return rows_matching(db, WORD)


def _spy_parts(monkeypatch, module) -> list[str]:
    """The part names part_hits.matched answered with, as `module` calls it (the text's
    counts, queries/text_counts.py, refused: matched is their fallback)."""
    for refusing in (case_level, timeliness):
        monkeypatch.setattr(refusing, "counted", refused)
    taken: list[str] = []
    real = part_hits.matched

    def spy(*a):
        out = real(*a)
        taken.append(out.part.name if out else "none")
        return out

    monkeypatch.setattr(module, "matched", spy)
    return taken


@pytest.mark.parametrize("word", [WORD, "a"])  # ~60 % and ~30 % of the rows
@pytest.mark.parametrize("part", list(PARTS))
def test_every_part_kind_is_taken_and_equals_the_general_path(db, monkeypatch, part, word):
    others, by = PARTS[part]
    f = Filters(text=word, **others)
    taken = _spy_parts(monkeypatch, timeliness)
    calls = [lambda con: timeliness.timeliness(con, f, by=by),
             lambda con: timeliness.timeliness(con, f, grain="year", by=by)]  # fmt: skip
    if by is None:
        calls.append(lambda con: case_level.case_outcomes(con, f, "year"))
        calls.append(lambda con: case_level.items_per_letter(con, f))
    assert_fast_paths_equal_the_general_path(db, calls, monkeypatch)
    assert taken[:2] == [part, part]  # the fast run read this kind of part's first rows


@pytest.mark.parametrize("part", ["category_partly", "category_agreement", "agreement"])
def test_timeliness_letters_per_group_match_polars(db, hits, part):
    """Letters per group under the text: a letter counts once per group its matching items
    fall in (the two-field parts: one category, by side or by agreement)."""
    others, by = PARTS[part]
    with q.open_db(db) as con:
        got = q.timeliness(con, Filters(text=WORD, **others), by=by)
    rows = hits.filter(pl.col("service_category").is_in(PHARMA)) if others else hits
    want = dict(rows.select(by, "letter_id").unique().group_by(by).len().iter_rows())
    got = got.filter(pl.col("measure") == "assigned_to_decision")
    assert {str(k): v for k, v in want.items()} == {
        str(k): v for k, v in zip(got[by], got["letters"], strict=True)
    }


def test_case_outcomes_of_one_category_match_polars(db, hits):
    with q.open_db(db) as con:
        got = q.case_outcomes(con, Filters(text=WORD, service_category=PHARMA))
    letters = hits.filter(pl.col("service_category").is_in(PHARMA))
    want = dict(letters.select("letter_id", "case_outcome").unique().group_by("case_outcome")
                .len().iter_rows())  # fmt: skip
    assert {k: v for k, v in zip(got["case_outcome"], got["letters"], strict=True) if v} == want


@pytest.mark.parametrize("others", [{}, {"service_category": PHARMA}])
def test_clustered_corrections_read_the_missed_rows_and_match_polars(db, hits, others):
    """The overall design effect under the text from the corrections (taken: the missed rows
    registered by missed_rows.missed reach clustered_miss_counts.sql), against polars."""
    f = Filters(text=WORD, **others)
    with q.open_db(db) as con:
        with missed_rows.missed(con, f) as m:
            assert m is not None
            assert clustered._with_misses(con, m, clustered._Query(None, None, 30, None, "")) \
                is not None  # fmt: skip
        got = q.clustered_rate_by(con, f).row(0, named=True)
    rows = hits.filter(pl.col("service_category").is_in(PHARMA)) if others else hits
    ref = clustered_reference(rows)
    assert got["decisions"] == rows.height
    assert got["letters"] == rows["letter_id"].n_unique()
    assert isclose(got["rate"], ref["rate"])
    assert isclose(got["deff"], ref["deff"], 1e-7)
