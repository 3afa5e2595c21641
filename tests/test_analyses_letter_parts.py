"""The per-letter part columns of decision_facts (sql/derived_facts_rows.sql) and the paths that
read them (queries/letter_rows.py `letter_part`): the columns against a polars recompute from
the raw rows, and every analysis read off the parts' first rows against the general path that
regroups items per letter, on a database whose state lists sometimes name a state twice."""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import queries as q
from queries import case_level, clustered, fulltext, rates
from queries.binding import bound, index_of
from queries.derived import PART_COLUMNS, derived_fresh, facts_columns
from queries.derived_delta import update_derived
from queries.filters import Filters
from queries.group_trend import group_trend, top_groups
from queries.letter_rows import Part, letter_part
from queries.runner import run
from tests.analysesdb import (
    assert_fast_paths_equal_the_general_path,
    build_with_repeated_states,
    expand_states,
    raw,
    refused,
)
from tests.keptdb import kept, plain
from tests.test_search_index import demo_db

timeliness = importlib.import_module("queries.timeliness")  # the package re-exports the function
group_trend_module = importlib.import_module("queries.group_trend")

PARTS = {"letter": [], "category": ["service_category"], "partly": ["partly"],
         "agreement": ["agreement"], "category_partly": ["service_category", "partly"],
         "category_agreement": ["service_category", "agreement"]}  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Path]:
    yield from kept(build_with_repeated_states(tmp_path_factory.mktemp("parts") / "imr.duckdb"))


def test_the_state_lists_repeat_a_state_somewhere(db):
    with plain(db) as con:
        sql = (
            "select count(*) from letters "
            "where len(reviewer_states) > len(list_distinct(reviewer_states))"
        )
        assert con.sql(sql).fetchall()[0][0] > 10


def test_part_columns_match_a_polars_recompute(db):
    rows = raw(db)
    want = rows.with_columns(
        pl.col("partly_authorized").cast(pl.Int8).fill_null(-1).alias("partly"),
        pl.col("guideline_agreement").alias("agreement"),
    )
    out = []
    for part, cols in PARTS.items():
        keys = ["letter_id", *cols]
        out += [
            (pl.col("item_no") == pl.col("item_no").min().over(keys)).alias(f"{part}_first"),
            pl.len().over(keys).cast(pl.Int32).alias(f"{part}_items"),
            pl.col("overturned").cast(pl.Int32).sum().over(keys).cast(pl.Int32)
            .alias(f"{part}_overturned"),
        ]  # fmt: skip
    want = want.select("letter_id", "item_no", "guideline_agreement", *out)
    columns = ", ".join(PART_COLUMNS)
    with plain(db) as con:
        got = con.sql(
            f"select letter_id, item_no, guideline_agreement, {columns} from decision_facts"
        ).pl()
    key = ["letter_id", "item_no"]
    assert want["category_items"].max() > 1 and want["partly_overturned"].max() > 0
    assert_frame_equal(got.sort(key), want.sort(key).select(got.columns))


def test_which_part_a_query_reads(db):
    con = q.open_db(db)
    try:
        assert letter_part(con, Filters(), "true") == Part("letter")
        assert letter_part(con, Filters(), "true", "reviewer_state") == Part("letter")
        one = Filters(service_category=("Surgery",), priority=("standard",))
        assert letter_part(con, one, "true") == Part("category")
        two = Filters(service_category=("Surgery", "Pharmaceuticals"))
        assert letter_part(con, two, "true") is None
        assert letter_part(con, two, "true", "service_category") == Part("category")
        assert letter_part(con, Filters(), "true", "partly_authorized") == Part("partly")
        assert letter_part(con, Filters(), "true", "guideline_agreement") == Part("agreement")
        assert letter_part(con, one, "true", "partly_authorized") == Part("category_partly")
        assert letter_part(con, one, "true", "guideline_agreement") == Part("category_agreement")
        assert letter_part(con, two, "true", "guideline_agreement") is None
        both = Filters(service_category=("Surgery",), partly_authorized=False)
        assert letter_part(con, both, "true") == Part("category_partly")
        assert letter_part(con, both, "true", "guideline_agreement") is None
        assert letter_part(con, Filters(drug_class=("Opioids",)), "true") is None
        assert letter_part(con, Filters(text="zolpidem"), "true") is None
    finally:
        con.close()


CASES = {
    "none": Filters(),
    "one category": Filters(service_category=("Pharmaceuticals",)),
    "states and sex": Filters(reviewer_state=("Texas", "California"), patient_sex=("female",)),
    "partly": Filters(partly_authorized=True),
    "category and side": Filters(service_category=("Surgery",), partly_authorized=False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_part_paths_equal_the_general_path(db, monkeypatch, case):
    f = CASES[case]
    calls = [
        lambda con: clustered.clustered_rate_by(con, f),
        lambda con: clustered.clustered_rate_by(con, f, grain="quarter"),
        lambda con: clustered.clustered_rate_by(con, f, "reviewer_state", grain="year"),
        lambda con: clustered.clustered_rate_by(con, f, "service_category"),
        lambda con: clustered.clustered_rate_by(con, f, "partly_authorized"),
        lambda con: clustered.clustered_rate_by(con, f, "guideline_agreement"),
        lambda con: group_trend(con, f, "service_category", "year", k=3),
        lambda con: group_trend(con, f, "reviewer_state", "year", k=2),
        lambda con: case_level.case_outcomes(con, f, "year"),
        lambda con: case_level.items_per_letter(con, f),
        lambda con: case_level.items_per_letter(con, f, "quarter"),
        lambda con: timeliness.timeliness(con, f, grain="year"),
        lambda con: timeliness.timeliness(con, f, by="service_category"),
        lambda con: timeliness.timeliness(con, f, by="reviewer_state"),
    ]
    assert_fast_paths_equal_the_general_path(db, calls, monkeypatch)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Iterator[Path]:
    yield from kept(demo_db(tmp_path_factory.mktemp("indexed") / "imr.duckdb"))


@pytest.mark.parametrize("text", ["request", "documentation"])
@pytest.mark.parametrize(
    "others",
    [{}, {"service_category": ("Pharmaceuticals",)}, {"priority": ("Standard",)}],
)
def test_summary_of_a_text_in_most_rows_equals_the_general_path(indexed, monkeypatch, text, others):
    f = Filters(text=text, **others)
    taken = []
    real = rates._summary_misses
    monkeypatch.setattr(rates, "_summary_misses", lambda *a: taken.append(1) or real(*a))
    with q.open_db(indexed) as con:
        fast = rates.summary(con, f)
        assert taken and fast["decisions"][0] > 0  # the misses path answered
        monkeypatch.setattr(rates, "_summary_misses", lambda *a: None)
        slow = rates.summary(con, f)
        words = con.sql(
            "select count(distinct letter_no) from decision_facts where decision_no in "
            "(select decision_no from decisions where service ilike $w or rationale ilike $w)",
            params={"w": f"%{text}%"},
        ).fetchall()[0][0]
    assert_frame_equal(fast, slow)
    if not others:  # (ILIKE is not the index's stemming: only a loose check)
        assert abs(fast["letters"][0] - words) <= 0.2 * words


def _clustered_calls(f: Filters) -> list:
    return [
        lambda con: clustered.clustered_rate_by(con, f),
        lambda con: clustered.clustered_rate_by(con, f, grain="quarter"),
        lambda con: clustered.clustered_rate_by(con, f, "reviewer_state", grain="year"),
        lambda con: clustered.clustered_rate_by(con, f, "service_category"),
        lambda con: clustered.clustered_rate_by(con, f, "guideline_agreement"),
        lambda con: case_level.partly_vs_denied(con, f),
        lambda con: case_level.partly_vs_denied(con, f, "year"),
        lambda con: group_trend(con, f, "service_category", "year", k=3),
        lambda con: group_trend(con, f, "reviewer_state", "year", k=2),
    ]


MOST = ["request", "documentation"]  # two words in most rows of the demo: the same ones
MOST_OTHERS = [{}, {"service_category": ("Pharmaceuticals",)}, {"priority": ("Standard",)},
               {"reviewer_state": ("California",)}]  # fmt: skip


def test_the_two_words_match_alike(indexed):
    """Each (filter set, call) below is compared under one of the two words, alternately (call
    k under the i-th filter set takes MOST[(i + k) % 2]): the product ran every query twice on
    the same rows. Every (word, filter set) and (word, call) pair is still compared."""
    with q.open_db(indexed) as con:
        matched = [fulltext.numbers(index_of(con), t) for t in MOST]
    assert len(matched[0]) > 100 and sorted(matched[0]) == sorted(matched[1])


@pytest.mark.parametrize("text", MOST)
@pytest.mark.parametrize("i", range(len(MOST_OTHERS)))
def test_clustered_rates_of_a_text_in_most_rows_equal_the_general_path(
    indexed, monkeypatch, text, i
):
    """The part sums without the text, corrected for the pairs with missed rows (when the
    parts' matching counts are not at hand, queries/text_counts.py), against every row grouped
    per letter under the text (the index's anti-join)."""
    f = Filters(text=text, **MOST_OTHERS[i])
    for module in (clustered, group_trend_module):
        monkeypatch.setattr(module, "counted", refused)
    answered = []
    real = clustered._with_misses

    def spy(*a, **k):
        out = real(*a, **k)
        answered.append(out is not None)
        return out

    monkeypatch.setattr(clustered, "_with_misses", spy)
    every = _clustered_calls(f)
    todo = [c for k, c in enumerate(every) if (i + k) % len(MOST) == MOST.index(text)]
    assert_fast_paths_equal_the_general_path(indexed, todo, monkeypatch)
    assert answered.count(True) == len(todo)  # (fast run: the corrections)


@pytest.mark.parametrize("case", list(CASES))
def test_group_sizes_by_state_list_equal_the_unnest(db, case):
    """top_groups' state sizes per state list (group_state_sizes.sql) against the unnest, and
    (without filters) against a polars count of dated decisions per listed state."""
    f = CASES[case]
    con = q.open_db(db)
    try:
        with bound(con, f) as (where, params):
            lists = run(con, "group_state_sizes", params, where=where)
            unnest = run(con, "group_sizes", params, where=where, key="reviewer_state",
                         expand=", unnest(reviewer_states) as reviewer_state")  # fmt: skip
        top = top_groups(con, f, "reviewer_state", 3)
    finally:
        con.close()
    assert lists.height > 3
    assert_frame_equal(lists, unnest)
    assert top == lists["grp"].head(3).to_list()
    if case == "none":
        want = (
            expand_states(raw(db).filter(pl.col("decision_date").is_not_null()))
            .group_by("reviewer_state")
            .len()
            .sort(["len", "reviewer_state"], descending=[True, False])
        )
        assert lists["grp"].to_list() == want["reviewer_state"].to_list()
        assert lists["decisions"].to_list() == want["len"].to_list()


@pytest.mark.parametrize("column", ["guideline_agreement", "category_agreement_first"])
def test_a_table_built_before_a_column_is_not_fresh_and_is_rebuilt(db, tmp_path, column):
    """decision_facts from older code (without the stored label or a newer part) is no cache:
    queries take the join, and the next refresh rebuilds it with the column."""
    path = tmp_path / "old.duckdb"
    shutil.copy(db, path)
    with duckdb.connect(str(path)) as con:
        con.execute(f"alter table decision_facts drop column {column}")
    with q.open_db(path) as con:
        assert not derived_fresh(con)
        assert letter_part(con, Filters(), "true") is None  # the join fallback: general path
    with duckdb.connect(str(path)) as con:
        assert update_derived(con) == f"{raw(db).height:,} decision_facts rows"
        assert column in facts_columns(con)
        assert derived_fresh(con)
