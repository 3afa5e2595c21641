"""Letters under a text counted at one marked matching row per part (queries/text_parts.py,
rates.TEXT_FLAG): every answer equals the general path's (letters by count(distinct) or bit
counts of the matching rows), the counts equal a polars recompute from decision_facts' rows and
the index's own matching numbers, and the marked path is the one taken for a text in up to
LETTERS_MISSES_SHARE of the rows under filters that select whole parts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import queries as q
from queries import fulltext, rates, text_parts
from queries.binding import index_of
from queries.filters import Filters
from tests import covering
from tests.keptdb import kept
from tests.test_queries_text_misses import OTHERS as MISSES_OTHERS
from tests.test_search_index import demo_db

# shares of the demo's 400 letters' rows: 1.5 %, 11 %, 46 %, 60 %, 73 %, 80 %, 90 %, 94.5 %
TEXTS = ["zolpidem", "physical therapy", "surgery", "therapy", '"functional improvement"',
         "pain", "for", "with"]  # fmt: skip
# the misses paths' filter sets, and a date range (letter fields only: whole letters)
OTHERS = {**MISSES_OTHERS, "years": {"date_from": date(2016, 1, 1), "date_to": date(2018, 12, 31)}}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Iterator[Path]:
    yield from kept(demo_db(tmp_path_factory.mktemp("text_bits") / "imr.duckdb"))  # ~100 connects


def calls(f: Filters) -> list:
    out = [lambda con: q.summary(con, f)]
    out += [lambda con, d=d: q.overturn_rate_by(con, d, f, min_n=3) for d in q.DIMENSIONS]
    out += [
        lambda con: q.overturn_rate_by(con, "service_category", f, by="reviewer_state"),
        lambda con: q.overturn_rate_by(con, "reviewer_state", f, by="priority", min_n=3),
        lambda con: q.overturn_rate_by(con, "partly_authorized", f, by="age_band"),
        lambda con: q.overturn_rate_by(con, "drug_class", f, by="service_category"),
    ]
    out += [lambda con, g=g: q.trend(con, g, f) for g in q.GRAINS]
    bys = ("service_category", "reviewer_state", "partly_authorized", "drug_class")
    out += [lambda con, b=b: q.trend(con, "year", f, by=b) for b in bys]
    return out


def _general(monkeypatch) -> None:
    """Neither the marked rows nor the misses: the text as bits, letters by count(distinct)."""
    monkeypatch.setattr(rates, "_marked", lambda *a: None)
    monkeypatch.setattr(rates, "LETTERS_MISSES_SHARE", 1.0)


# The equality matrix is a covering design, not the full product of 8 texts x 8 filter sets x
# 30 calls (3,840 queries, ~1/4 of the suite's CPU). Why it keeps the proof:
# - The route is fixed by the filter set and the call alone (`rates.text_part`: which parts,
#   if any, the other filters select whole) and the text's share of the rows (marked rows below
#   LETTERS_MISSES_SHARE, misses above it). Where `text_part` names no part, `_general` changes
#   nothing and both sides run the same code: those calls are not compared here (the misses
#   path is compared in test_queries_text_misses.py, the general one is the reference).
# - Every (filter set, call) whose route is the marked rows is compared under two texts, one
#   from each band of shares (below fulltext.MISSES_SHARE, where the general path reads the
#   text as bits; between it and LETTERS_MISSES_SHARE), and the texts rotate with the call and
#   the filter set, so every (text, call) and every (text, filter set) pair is compared too
#   (`test_the_design_covers_every_pair`). Every routed (filter set, call) at every text was
#   equal when this was written (the full product, 2026-12-02).
BANDS = (TEXTS[:3], TEXTS[3:])  # `test_the_bands_hold_their_shares` checks the split
UNROUTED = ("drug class",)  # an item filter other than the category: no part is whole


class _Routed(Exception):
    """Raised by the routing spy with `text_part`'s answer, before any query runs."""


@pytest.fixture(scope="module")
def routed(indexed) -> dict[str, list[int]]:
    """Per filter set, the indexes of `calls` whose letters the marked rows count."""
    real = rates.text_part

    def stop(*args):
        raise _Routed(real(*args))

    out: dict[str, list[int]] = {}
    with pytest.MonkeyPatch.context() as patch, q.open_db(indexed) as con:
        patch.setattr(rates, "text_part", stop)
        for name, kwargs in OTHERS.items():
            out[name] = []
            for k, call in enumerate(calls(Filters(text=TEXTS[0], **kwargs))):
                try:
                    call(con)
                except _Routed as routed_to:
                    if routed_to.args[0] is not None:
                        out[name].append(k)
    return out


def design(routed: dict[str, list[int]]) -> dict[tuple[str, str], list[int]]:
    """This module's covering design (tests/covering.py)."""
    return covering.design(routed, TEXTS, list(OTHERS), BANDS)


def test_the_design_covers_every_pair(routed):
    plan = design(routed)
    assert sum(len(v) for v in routed.values()) > 100  # most calls are routed
    assert [o for o, ks in routed.items() if not ks] == list(UNROUTED)
    for others, ks in routed.items():
        for k in ks:  # each routed (filter set, call) under a text of each band
            for band in BANDS:
                assert any(k in plan[t, others] for t in band), (others, k)
    for text in TEXTS:
        assert all(plan[text, o] for o in OTHERS if routed[o]), text
        every = {k for ks in routed.values() for k in ks}
        assert every == {k for o in OTHERS for k in plan[text, o]}, text


def test_the_bands_hold_their_shares(indexed):
    with q.open_db(indexed) as con:
        rows = con.sql("select count(*) from decision_facts").fetchall()[0][0]
        share = {t: len(fulltext.numbers(index_of(con), t)) / rows for t in TEXTS}
    assert all(0 < share[t] < fulltext.MISSES_SHARE for t in BANDS[0]), share
    assert all(fulltext.MISSES_SHARE < share[t] < rates.LETTERS_MISSES_SHARE for t in BANDS[1])


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("others", [o for o in OTHERS if o not in UNROUTED])
def test_marked_rows_equal_the_general_path(indexed, routed, monkeypatch, text, others):
    f = Filters(text=text, **OTHERS[others])
    ks = design(routed)[text, others]
    assert ks  # every filter set routes some call to the marked rows
    marked = []
    real = rates._marked
    monkeypatch.setattr(rates, "_marked", lambda *a: marked.append(1) or real(*a))
    with q.open_db(indexed) as con:
        assert len(fulltext.numbers(index_of(con), text)) > 0
        todo = [calls(f)[k] for k in ks]
        fast = [call(con) for call in todo]
        assert len(marked) >= len(todo)  # each compared call took the marked rows
        empty = sum(a.height for a in fast) == 0  # only where the filters leave no row:
        assert not empty or q.decision_count(con, f) == 0  # ("physical therapy", two categories)
        _general(monkeypatch)
        slow = [call(con) for call in todo]
    for a, b in zip(fast, slow, strict=True):
        assert_frame_equal(a, b)


# (what, call, filters besides the text): each must count letters at the marked rows
TAKEN = [
    ("summary", lambda con, f: q.summary(con, f), "none"),
    ("summary, one category", lambda con, f: q.summary(con, f), "one category"),
    ("summary, partly", lambda con, f: q.summary(con, f), "partly"),
    ("by priority", lambda con, f: q.overturn_rate_by(con, "priority", f), "none"),
    ("by state", lambda con, f: q.overturn_rate_by(con, "reviewer_state", f), "years"),
    ("by category", lambda con, f: q.overturn_rate_by(con, "service_category", f), "state"),
    (
        "state x category",
        lambda con, f: q.overturn_rate_by(con, "service_category", f, by="reviewer_state"),
        "none",
    ),
    ("by partly", lambda con, f: q.overturn_rate_by(con, "partly_authorized", f), "priority"),
    ("trend month", lambda con, f: q.trend(con, "month", f), "none"),
    (
        "trend by category",
        lambda con, f: q.trend(con, "year", f, by="service_category"),
        "one category",
    ),
    ("trend by state", lambda con, f: q.trend(con, "quarter", f, by="reviewer_state"), "none"),
    ("by subcategory", lambda con, f: q.overturn_rate_by(con, "service_subcategory", f), "none"),
    ("by drug class", lambda con, f: q.overturn_rate_by(con, "drug_class", f), "years"),
    ("by MTUS chapter", lambda con, f: q.overturn_rate_by(con, "imr_mtus_chapter", f), "state"),
]


@pytest.mark.parametrize("text", ["therapy", '"functional improvement"', "with"])
@pytest.mark.parametrize(("what", "call", "others"), TAKEN, ids=[t[0] for t in TAKEN])
def test_marked_rows_are_the_path_taken(indexed, monkeypatch, text, what, call, others):
    """Fails if a letter-counting call under a text in up to LETTERS_MISSES_SHARE of the rows
    (94.5 % for "with") falls back to the misses join or the distinct count."""
    marked, missed = [], []
    real_marked, real_misses = rates._marked, rates.text_misses

    def spy_marked(*args):
        out = real_marked(*args)
        marked.append(out is not None)
        return out

    @contextmanager
    def spy_misses(*args, **kwargs):
        with real_misses(*args, **kwargs) as misses:
            missed.append(misses is not None)
            yield misses

    monkeypatch.setattr(rates, "_marked", spy_marked)
    monkeypatch.setattr(rates, "text_misses", spy_misses)
    with q.open_db(indexed) as con:
        assert call(con, Filters(text=text, **OTHERS[others])).height
        assert rates.text_part(con, Filters(text=text, **OTHERS[others]), ()) is not None
    assert any(marked) and not any(missed)


def test_a_text_in_nearly_every_row_keeps_the_misses(indexed, monkeypatch):
    """Above LETTERS_MISSES_SHARE (98 % here) the few missed numbers are cheaper."""
    marked = []
    real = text_parts.part_bits
    monkeypatch.setattr(text_parts, "part_bits", lambda *a: marked.append(1) or real(*a))
    with q.open_db(indexed) as con:
        top = len(fulltext.numbers(index_of(con), "documentation"))
        assert top > rates.LETTERS_MISSES_SHARE * con.sql(
            "select count(*) from decision_facts").fetchall()[0][0]  # fmt: skip
        q.summary(con, Filters(text="documentation"))
        q.trend(con, "year", Filters(text="documentation"), by="service_category")
    assert not marked


def _rows(indexed, text: str) -> pl.DataFrame:
    with q.open_db(indexed) as con:
        hits = pl.from_arrow(fulltext.keys(index_of(con), text))["rowid"]
        rows = con.sql("select decision_no, letter_no, letter_first, overturned, decision_date, "
                       "service_category, reviewer_states from decision_facts").pl()  # fmt: skip
    return rows.with_columns(hit=pl.col("decision_no").is_in(hits.implode()))


@pytest.mark.parametrize("text", ["therapy", '"functional improvement"'])
def test_marked_rows_count_like_polars(indexed, text):
    rows = _rows(indexed, text)
    # letters that match in some rows and not at their flagged first row: a flag count over
    # the matching rows would miss them, the marked rows must not
    straddling = rows.group_by("letter_no").agg(
        pl.col("hit").any().alias("any"), (pl.col("hit") & pl.col("letter_first")).any().alias("at")
    )
    assert straddling.filter(pl.col("any") & ~pl.col("at")).height > 5
    hits = rows.filter("hit")
    f = Filters(text=text)
    with q.open_db(indexed) as con:
        summary = q.summary(con, f).row(0, named=True)
        by_cat = q.overturn_rate_by(con, "service_category", f, min_n=0)
        by_state = q.overturn_rate_by(con, "reviewer_state", f, min_n=0)
        by_year = q.trend(con, "year", f)
    assert summary["letters"] == hits["letter_no"].n_unique()
    assert summary["decisions"] == hits.height
    assert summary["overturned"] == hits["overturned"].sum()
    assert summary["undated_letters"] == hits.filter(pl.col("decision_date").is_null())[
        "letter_no"].n_unique()  # fmt: skip

    def per(frame: pl.DataFrame, key: str) -> pl.DataFrame:
        return (frame.group_by(key)
                .agg(pl.len().alias("decisions"), pl.col("overturned").sum().alias("overturned"),
                     pl.col("letter_no").n_unique().alias("letters"))
                .sort(key))  # fmt: skip

    cols = ["decisions", "overturned", "letters"]
    assert_frame_equal(by_cat.select("service_category", *cols).sort("service_category"),
                       per(hits, "service_category"), check_dtypes=False)  # fmt: skip
    states = hits.explode("reviewer_states").rename({"reviewer_states": "reviewer_state"})
    states = states.unique(["decision_no", "reviewer_state"])  # a state listed twice counts once
    assert_frame_equal(by_state.select("reviewer_state", *cols).sort("reviewer_state"),
                       per(states, "reviewer_state"), check_dtypes=False)  # fmt: skip
    years = hits.filter(pl.col("decision_date").is_not_null()).with_columns(
        period=pl.col("decision_date").dt.truncate("1y")
    )
    assert_frame_equal(by_year.select("period", *cols), per(years, "period"), check_dtypes=False)


def _set(bits: bytes) -> list[int]:
    return np.flatnonzero(np.unpackbits(np.frombuffer(bits, np.uint8))).tolist()


def test_mark_sets_one_matching_row_per_part():
    # decision numbers 1-9 by their part's first row: parts 1 (1, 3), 2 (2), 4 (4, 5), 6 (6),
    # 7 (7), 9 (9); 8 is no stored row
    firsts = np.array([0, 1, 2, 1, 4, 4, 6, 7, 0, 9], np.int32)
    hits = np.array([2, 3, 4, 5, 8, 12])  # 8: a dead number; 12: past the stored ones
    marked = _set(text_parts._mark(hits, firsts))
    assert len(marked) == 3 and {2, 3} <= set(marked) and len({4, 5} & set(marked)) == 1
    assert _set(text_parts._mark(np.array([], np.int64), firsts)) == []
    assert _set(text_parts._mark(np.array([8, 12]), firsts)) == []
    # the bits end one unset bit past the highest mark: a number past them reads 0
    assert len(text_parts._mark(np.array([9]), firsts)) * 8 >= 11
    # with a field's codes: one matching row per (letter, value); letter 1 = rows 1-3, letter
    # 4 = rows 4-5; rows 1 and 3 share value 1, row 2 has value 2, rows 4 and 5 value 1
    letters = np.array([0, 1, 1, 1, 4, 4, 0, 0, 0, 0], np.int32)
    codes = np.array([0, 1, 2, 1, 1, 1, 0, 0, 0, 0], np.int32)
    marked = _set(text_parts._mark(np.array([1, 2, 3, 4, 5]), letters, codes))
    assert 2 in marked and len({1, 3} & set(marked)) == 1 and len({4, 5} & set(marked)) == 1
    assert len(marked) == 3
