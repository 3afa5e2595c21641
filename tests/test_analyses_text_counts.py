"""Letter-clustered rates under a text from each part's matching counts (queries/text_counts.py:
counted in numpy from the index's matches, positionally joined to decision_facts): design
effect, rates by a part's field or a letter's, partly vs denied, guideline agreement and trend
by group; and timeliness, case outcomes and items per letter from the first rows of the parts
with a match. Each equals the general path (the text's rows regrouped per letter) on texts from
1.5 % to 98 % of the demo's rows under several filter sets, and polars / statsmodels on the
rows the index matches; the path is taken wherever the other filters select whole parts; a
positional order that does not line up falls back to the other paths."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import queries as q
from queries import case_level, clustered, fulltext, text_counts
from queries.binding import index_of
from queries.filters import Filters
from queries.letter_rows import letter_part
from tests import covering
from tests.analysesdb import (
    assert_fast_paths_equal_the_general_path,
    clustered_reference,
    expand_states,
    indexed_with_repeated_states,
    isclose,
    period,
    raw,
    rows_matching,
)
from tests.keptdb import kept
from tests.test_search_index import demo_db

group_trend = importlib.import_module("queries.group_trend")  # the package re-exports it
timeliness = importlib.import_module("queries.timeliness")
# shares of the demo's rows: 1.5 %, 14 %, 46 %, 60 %, 73 %, 80 %, 94.5 %, 98 %
TEXTS = ["zolpidem", "opioid", "surgery", "therapy", '"functional improvement"', "pain", "with",
         "medication"]  # fmt: skip
OTHERS = {
    "none": {},
    "one category": {"service_category": ("Pharmaceuticals",)},
    "partly": {"partly_authorized": True},
    "state and years": {"reviewer_state": ("California",), "date_from": date(2016, 1, 1),
                        "date_to": date(2018, 12, 31)},
}  # fmt: skip
# (grouping of clustered_rate_by, call): the analyses' clustered calls
CALLS = [
    (None, lambda con, f: clustered.clustered_rate_by(con, f)),
    (None, lambda con, f: clustered.clustered_rate_by(con, f, grain="quarter")),
    ("reviewer_state", lambda con, f: clustered.clustered_rate_by(con, f, "reviewer_state",
                                                                  grain="year")),
    ("service_category", lambda con, f: clustered.clustered_rate_by(con, f, "service_category")),
    ("guideline_agreement", lambda con, f: q.agreement_rates(con, f, min_n=5)),
    ("partly_authorized", lambda con, f: case_level.partly_vs_denied(con, f)),
    ("partly_authorized", lambda con, f: case_level.partly_vs_denied(con, f, "year")),
    ("service_category", lambda con, f: group_trend.group_trend(con, f, "service_category",
                                                                "year", k=3)),
    ("service_category", lambda con, f: group_trend.group_trend(con, f, "service_category",
                                                                "month", k=2)),
    ("reviewer_state", lambda con, f: group_trend.group_trend(con, f, "reviewer_state", "year",
                                                              k=2)),
    (None, lambda con, f: timeliness.timeliness(con, f)),
    (None, lambda con, f: timeliness.timeliness(con, f, grain="month")),
    ("service_category", lambda con, f: timeliness.timeliness(con, f, by="service_category")),
    ("reviewer_state", lambda con, f: timeliness.timeliness(con, f, grain="year",
                                                            by="reviewer_state")),
    ("guideline_agreement", lambda con, f: timeliness.timeliness(con, f,
                                                                 by="guideline_agreement")),
    (None, lambda con, f: case_level.case_outcomes(con, f, "year")),
    (None, lambda con, f: case_level.items_per_letter(con, f)),
    (None, lambda con, f: case_level.items_per_letter(con, f, "quarter")),
]  # fmt: skip


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Iterator[Path]:
    yield from kept(demo_db(tmp_path_factory.mktemp("text_counts") / "imr.duckdb"))


@pytest.fixture(scope="module")
def repeated(tmp_path_factory) -> Iterator[Path]:
    yield from kept(indexed_with_repeated_states(tmp_path_factory.mktemp("counts") / "imr.duckdb"))


def _spy(monkeypatch) -> list[bool]:
    """Whether each counted() call (of the four modules that ask) gave the parts' counts."""
    taken: list[bool] = []
    real = text_counts.counted

    def spy(*a, **k):
        cm = real(*a, **k)
        out = cm.__enter__()
        taken.append(out is not None)
        return _Entered(cm, out)

    for module in (clustered, group_trend, timeliness, case_level):
        monkeypatch.setattr(module, "counted", spy)
    return taken


class _Entered:
    """A context manager already entered (the spy looked at what it yields)."""

    def __init__(self, cm, value):
        self.cm, self.value = cm, value

    def __enter__(self):
        return self.value

    def __exit__(self, *exc):
        return self.cm.__exit__(*exc)


# The equality matrix is a covering design, not the full product of 8 texts x 4 filter sets x
# 18 calls (576 comparisons, the suite's heaviest file). Why it keeps the proof:
# - The route is fixed by the filter set and the call alone: `text_counts.counted` answers
#   wherever the other filters and the call's grouping select whole parts (`letter_part`), at
#   any share of the text (its numbers are counted whatever their share). Where they do not,
#   every shortcut the general path refuses declines on the fast side too, so both sides run
#   the same code: those calls are not compared (`test_unrouted_calls_take_no_shortcut`).
# - Every routed (filter set, call) is compared under two texts, one from each band of shares
#   (below fulltext.MISSES_SHARE: parts with no match and parts partly matched; above it: most
#   parts wholly matched), and the texts rotate with the call and the filter set, so every
#   (text, call) and every (text, filter set) pair is compared too
#   (`test_the_design_covers_every_pair`). Every routed (filter set, call) at every text was
#   equal when this was written (the full product, 2026-12-02).
BANDS = (TEXTS[:3], TEXTS[3:])  # `test_the_bands_hold_their_shares` checks the split


@pytest.fixture(scope="module")
def routed(indexed) -> dict[str, list[int]]:
    """Per filter set, the indexes of CALLS whose filters and grouping select whole parts."""
    with q.open_db(indexed) as con:
        return {name: [k for k, (key, _) in enumerate(CALLS)
                       if letter_part(con, Filters(**kwargs), "true", key) is not None]
                for name, kwargs in OTHERS.items()}  # fmt: skip


def design(routed: dict[str, list[int]]) -> dict[tuple[str, str], list[int]]:
    """This module's covering design (tests/covering.py)."""
    return covering.design(routed, TEXTS, list(OTHERS), BANDS)


def test_the_design_covers_every_pair(routed):
    plan = design(routed)
    assert sum(len(v) for v in routed.values()) > len(CALLS) * len(OTHERS) // 2  # most routed
    assert all(routed.values())  # every filter set routes some call
    for others, ks in routed.items():
        for k in ks:  # each routed (filter set, call) under a text of each band
            for band in BANDS:
                assert any(k in plan[t, others] for t in band), (others, k)
    every = {k for ks in routed.values() for k in ks}
    assert every == set(range(len(CALLS)))  # every call is routed under some filter set
    for text in TEXTS:
        assert all(plan[text, o] for o in OTHERS), text
        assert every == {k for o in OTHERS for k in plan[text, o]}, text
    for (_, others), ks in plan.items():
        assert set(ks) <= set(routed[others])  # nothing unrouted is compared


def test_the_bands_hold_their_shares(indexed):
    with q.open_db(indexed) as con:
        rows = con.sql("select count(*) from decision_facts").fetchall()[0][0]
        share = {t: len(fulltext.numbers(index_of(con), t)) / rows for t in TEXTS}
    assert all(0 < share[t] < fulltext.MISSES_SHARE for t in BANDS[0]), share
    assert all(fulltext.MISSES_SHARE < share[t] < 1 for t in BANDS[1]), share


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("others", list(OTHERS))
def test_parts_counts_equal_the_general_path(indexed, routed, monkeypatch, text, others):
    f = Filters(text=text, **OTHERS[others])
    ks = design(routed)[text, others]
    taken = _spy(monkeypatch)
    calls = [lambda con, call=CALLS[k][1]: call(con, f) for k in ks]
    assert_fast_paths_equal_the_general_path(indexed, calls, monkeypatch)
    assert ks and taken.count(True) == len(ks)  # the fast run: each compared call took them


# what the general path refuses (analysesdb.assert_fast_paths_equal_the_general_path)
SHORTCUTS = [(clustered, "letter_part"), (group_trend, "pooled_parts"),
             (case_level, "first_row"), (timeliness, "first_row"),
             (case_level, "matched"), (timeliness, "matched")]  # fmt: skip
# (clustered.missed's rows are read only where its letter_part answers: not listed)
SHORTCUT_BLOCKS = [(m, "counted") for m in (clustered, group_trend, timeliness, case_level)]


def test_unrouted_calls_take_no_shortcut(indexed, routed, monkeypatch):
    """Where no part is whole, each shortcut the general path refuses answers None on the
    fast side too (under a text in most rows, where the misses would answer): both sides run
    the same code, so those calls are not compared."""
    answered: list[tuple[str, str]] = []

    def plain(module, name):
        real = getattr(module, name)

        def spy(*a, **k):
            out = real(*a, **k)
            if out is not None:
                answered.append((module.__name__, name))
            return out

        return spy

    def block(module, name):
        real = getattr(module, name)

        def spy(*a, **k):
            cm = real(*a, **k)
            out = cm.__enter__()
            if out is not None:
                answered.append((module.__name__, name))
            return _Entered(cm, out)

        return spy

    for module, name in SHORTCUTS:
        monkeypatch.setattr(module, name, plain(module, name))
    for module, name in SHORTCUT_BLOCKS:
        monkeypatch.setattr(module, name, block(module, name))
    unrouted = [(o, k) for o in OTHERS for k in range(len(CALLS)) if k not in routed[o]]
    assert unrouted  # ("partly" by guideline agreement: no one part)
    with q.open_db(indexed) as con:
        for others, k in unrouted:
            CALLS[k][1](con, Filters(text="pain", **OTHERS[others]))
        assert not answered, answered
        CALLS[0][1](con, Filters(text="pain"))  # the spies see a routed call answer
    assert answered


@pytest.mark.parametrize("word", ["documentation", "a"])  # ~60 % and ~30 % of the rows
@pytest.mark.parametrize("key", [None, "partly_authorized", "guideline_agreement"])
def test_clustered_rates_under_a_text_match_statsmodels(repeated, word, key):
    hits = rows_matching(repeated, word) if word == "documentation" else _hits(repeated, word)
    with q.open_db(repeated) as con:
        got = q.clustered_rate_by(con, Filters(text=word), key, min_n=5)
    groups = hits.partition_by(key, as_dict=True) if key else {("all",): hits}
    assert got.height == len(groups)
    for r in got.iter_rows(named=True):
        rows = groups[(r[key] if key else "all",)]
        ref = clustered_reference(rows)
        assert (r["decisions"], r["overturned"]) == (rows.height, int(rows["overturned"].sum()))
        assert r["letters"] == rows["letter_id"].n_unique()
        assert isclose(r["rate"], ref["rate"])
        assert isclose(r["deff"], ref["deff"], 1e-7)
        assert isclose(r["ci_low_clustered"], ref["low"], 1e-7)


@pytest.mark.parametrize("dimension", ["service_category", "reviewer_state"])
def test_trend_by_group_under_a_text_matches_polars(repeated, dimension):
    """Top 3 groups by dated matching decisions, the rest pooled (a state list naming a state
    twice counts its rows twice, as the unnest does), per year, against statsmodels."""
    hits = rows_matching(repeated, "documentation").filter(pl.col("decision_date").is_not_null())
    rows = expand_states(hits) if dimension == "reviewer_state" else hits
    sizes = rows.group_by(dimension).len().sort(["len", dimension], descending=[True, False])
    top = sizes[dimension].head(3).to_list()
    rows = rows.with_columns(
        period("year"),
        pl.when(pl.col(dimension).is_in(top)).then(pl.col(dimension))
        .otherwise(pl.lit(group_trend.OTHER)).alias("group"),
    )  # fmt: skip
    with q.open_db(repeated) as con:
        got = q.group_trend(con, Filters(text="documentation"), dimension, "year", k=3)
    assert got.height == rows.select("period", "group").n_unique()
    for r in got.iter_rows(named=True):
        cell = rows.filter(pl.col("period") == r["period"], pl.col("group") == r["group"])
        ref = clustered_reference(cell)
        assert (r["decisions"], r["overturned"]) == (cell.height, int(cell["overturned"].sum()))
        assert isclose(r["deff"], ref["deff"], 1e-7)


def _hits(db, word: str) -> pl.DataFrame:
    """rows_matching for a text in fewer than half the rows (it checks for most)."""
    with q.open_db(db) as con:
        keys = fulltext.keys(index_of(con), word).column("rowid").to_pylist()
        numbers = con.sql("select letter_id, item_no, decision_no from decisions").pl()
    rows = raw(db).join(numbers, on=["letter_id", "item_no"])
    return rows.filter(pl.col("decision_no").is_in(keys))


def test_a_misaligned_order_falls_back(indexed, tmp_path, monkeypatch):
    """Rows read in another order than a positional join reads them: no counts, the answers
    come from the other paths and still equal the general path."""
    db = demo_db(tmp_path / "imr.duckdb")  # a path of its own: nothing kept for it yet
    real = text_counts.render

    def reversed_order(folder, name, **slots):
        sql = real(folder, name, **slots)
        return sql.replace("order by rowid", "order by rowid desc") if name == (
            "decision_positions") else sql  # fmt: skip

    monkeypatch.setattr(text_counts, "render", reversed_order)
    taken = _spy(monkeypatch)
    f = Filters(text="therapy")
    calls = [lambda con, call=call: call(con, f) for _, call in CALLS[:3]]
    assert_fast_paths_equal_the_general_path(db, calls, monkeypatch)
    assert taken and not any(taken)


def test_columns_drop_numbers_no_decision_has():
    """A replaced letter's dead postings (first row 0, or past the arrays) count nowhere."""
    firsts = np.array([0, 1, 1, 3, 0, 5], dtype=np.int32)  # parts {1, 2} {3} {5}; 4 is gone
    order = np.array([3, 1, 2, 5], dtype=np.int64)  # the scan's order of the stored rows
    overturned = np.array([0, 1, 0, 1, 1, 0], dtype=bool)
    got = text_counts.columns(np.array([1, 2, 4, 5, 9]), firsts, order, overturned)
    assert got.column("text_n").to_pylist() == [0, 2, 0, 1]
    assert got.column("text_k").to_pylist() == [0, 1, 0, 0]
    assert got.column("text_hit").to_pylist() == [False, True, True, True]


@pytest.mark.parametrize("by", [None, "reviewer_state", "service_category"])
def test_timeliness_and_letters_under_a_text_in_few_rows_match_polars(repeated, by):
    """A letter (or (group, letter)) counts once when any of its items match "a" (~30 % of the
    rows); its items per letter are the whole letter's."""
    hits = _hits(repeated, "a")
    rows = expand_states(hits) if by == "reviewer_state" else hits
    with q.open_db(repeated) as con:
        got = q.timeliness(con, Filters(text="a"), by=by)
        sizes = q.items_per_letter(con, Filters(text="a"))
    got = got.filter(pl.col("measure") == "assigned_to_decision")
    pairs = rows.select(*([by] if by else []), "letter_id").unique()
    want = dict(pairs.group_by(by).len().iter_rows()) if by else {"all": pairs.height}
    assert dict(zip(got[by or "scope"], got["letters"], strict=True)) == want
    letters = hits.select("letter_id", "item_count").unique()
    assert (sizes["letters"][0], sizes["items"][0]) == (letters.height, letters["item_count"].sum())
