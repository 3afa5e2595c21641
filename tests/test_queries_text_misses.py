"""A text in most rows answered from the few decisions it misses (queries/rates.py `_counted`,
sql/misses_counts.sql; queries/tables.py pages): every answer equals the general path's (the
text as an anti-join, letters by count(distinct)), and the counts equal a polars recompute
from decision_facts' rows and the index's own matching numbers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import queries as q
from queries import fulltext, rates, tables
from queries.binding import index_of
from queries.filters import Filters
from tests.keptdb import kept
from tests.test_search_index import demo_db

TEXTS = ["request", "documentation"]
OTHERS = {
    "none": {},
    "one category": {"service_category": ("Pharmaceuticals",)},
    "two categories": {"service_category": ("Pharmaceuticals", "Surgery")},
    "priority": {"priority": ("Standard",)},
    "state": {"reviewer_state": ("California",)},
    "drug class": {"drug_class": ("Opioids",)},
    "partly": {"partly_authorized": True},
}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Iterator[Path]:
    yield from kept(demo_db(tmp_path_factory.mktemp("misses") / "imr.duckdb"))


@contextmanager
def _no_misses(*_a, **_k):
    yield None


def calls(f: Filters) -> list:
    out = [lambda con, d=d: q.overturn_rate_by(con, d, f) for d in q.DIMENSIONS]
    out += [
        lambda con: q.overturn_rate_by(con, "service_category", f, by="reviewer_state"),
        lambda con: q.overturn_rate_by(con, "reviewer_state", f, by="priority", min_n=3),
        lambda con: q.overturn_rate_by(con, "drug_class", f, by="service_category"),
    ]
    out += [lambda con, g=g: q.trend(con, g, f) for g in q.GRAINS]
    out += [lambda con, b=b: q.trend(con, "year", f, by=b)
            for b in ("service_category", "reviewer_state", "drug_class")]  # fmt: skip
    return out


# Each (filter set, call) is compared under one of the two texts, alternately (call k under
# the i-th filter set takes TEXTS[(i + k) % 2]): every (text, filter set) and (text, call) pair
# is still compared. The route is fixed by the filter set and the call (both texts are in more
# than LETTERS_MISSES_SHARE of the rows: the misses, asserted per call below), and the two
# words match the same decisions of the demo database (`test_the_two_texts_miss_alike`), so
# the full product ran every query twice on the same rows.
def _compared(text: str, others: str) -> list[int]:
    i, t = list(OTHERS).index(others), TEXTS.index(text)
    return [k for k in range(len(calls(Filters()))) if (i + k) % len(TEXTS) == t]


def test_the_two_texts_miss_alike(indexed):
    with q.open_db(indexed) as con:
        matched = [fulltext.numbers(index_of(con), t) for t in TEXTS]
    assert len(matched[0]) > 100 and sorted(matched[0]) == sorted(matched[1])


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("others", list(OTHERS))
def test_text_in_most_rows_equals_the_general_path(indexed, monkeypatch, text, others):
    f = Filters(text=text, **OTHERS[others])
    todo = [calls(f)[k] for k in _compared(text, others)]
    with q.open_db(indexed) as con:
        assert fulltext.misses(index_of(con), text) is not None  # a text in most rows
        taken = []
        real = rates._misses_counts
        monkeypatch.setattr(rates, "_misses_counts", lambda *a: taken.append(1) or real(*a))
        fast = [call(con) for call in todo]
        assert len(taken) == len(fast)  # the misses path answered each
        monkeypatch.setattr(rates, "text_misses", _no_misses)
        slow = [call(con) for call in todo]
    assert sum(a.height for a in fast) > 10
    for a, b in zip(fast, slow, strict=True):
        assert_frame_equal(a, b)


def _recompute(indexed, text: str, dim: str) -> pl.DataFrame:
    """Decisions, overturned and distinct letters per `dim` value among the index's matches."""
    with q.open_db(indexed) as con:
        hits = pl.from_arrow(fulltext.keys(index_of(con), text))["rowid"]
        rows = con.sql(f"select decision_no, letter_no, overturned, {dim} from decision_facts").pl()
    rows = rows.filter(pl.col("decision_no").is_in(hits.implode()))
    if dim == "reviewer_states":
        rows = rows.explode(dim).rename({dim: "reviewer_state"})
        dim = "reviewer_state"
    return (
        rows.group_by(dim)
        .agg(
            pl.len().alias("decisions"),
            pl.col("overturned").sum().alias("overturned"),
            pl.col("letter_no").n_unique().alias("letters"),
        )
        .sort(dim, nulls_last=True)
    )


@pytest.mark.parametrize("dim", ["reviewer_state", "service_subcategory", "priority"])
def test_text_in_most_rows_counts_like_polars(indexed, dim):
    want = _recompute(indexed, "documentation", "reviewer_states" if dim == "reviewer_state"
                      else dim)  # fmt: skip
    with q.open_db(indexed) as con:
        got = q.overturn_rate_by(con, dim, Filters(text="documentation"), min_n=0)
    got = got.select(dim, "decisions", "overturned", "letters").sort(dim, nulls_last=True)
    assert want["letters"].sum() < want["decisions"].sum()  # letters with several items
    assert_frame_equal(got, want, check_dtypes=False)


PAGES = [(sort, descending, offset, limit)
         for sort in ("decision_date", "service", "patient_age")
         for descending in (True, False)
         for offset, limit in ((0, 25), (0, 700), (37, 50), (390, 40), (5000, 10))]  # fmt: skip


@pytest.mark.parametrize("others", ["none", "one category", "state", "drug class"])
def test_pages_under_a_text_in_most_rows_equal_the_general_path(indexed, monkeypatch, others):
    """Near pages from the other filters' top rows less the missed ones, deep pages (offset
    >= SHALLOW, here 30) by date from the per-date counts, against one top-N of all rows."""
    f = Filters(text="documentation", **OTHERS[others])
    monkeypatch.setattr(tables, "SHALLOW", 30)
    with q.open_db(indexed) as con:
        fast = [q.decisions(con, f, sort=s, descending=d, offset=o, limit=n)
                for s, d, o, n in PAGES]  # fmt: skip
        monkeypatch.setattr(tables, "text_misses", _no_misses)
        monkeypatch.setattr(tables, "SHALLOW", 10**9)
        slow = [q.decisions(con, f, sort=s, descending=d, offset=o, limit=n)
                for s, d, o, n in PAGES]  # fmt: skip
    assert sum(p.height for p in fast) > 500
    for a, b in zip(fast, slow, strict=True):
        assert_frame_equal(a, b)


def test_a_deep_page_by_date_is_the_polars_slice(indexed, monkeypatch):
    monkeypatch.setattr(tables, "SHALLOW", 30)
    with q.open_db(indexed) as con:
        hits = pl.from_arrow(fulltext.keys(index_of(con), "documentation"))["rowid"]
        rows = con.sql(
            "select decision_no, letter_id, item_no, decision_date from decision_facts"
        ).pl()
        got = q.decisions(con, Filters(text="documentation"), offset=301, limit=60)
    want = (
        rows.filter(pl.col("decision_no").is_in(hits.implode()))
        .sort(
            ["decision_date", "letter_id", "item_no"],
            descending=[True, False, False],
            nulls_last=True,
        )
        .slice(301, 60)
    )
    assert got.height == 60
    assert_frame_equal(got.select("letter_id", "item_no"), want.select("letter_id", "item_no"))


def test_a_trend_never_counts_letters_with_a_bitstring_per_date(indexed, monkeypatch):
    """One ~210 KB bitstring per decision date (~4,400 dates) ran DuckDB out of memory at full
    scale under an item filter: trends count letters per date with count(distinct), and only a
    one-dimension breakdown (tens of groups) takes the bitstring."""
    used: list[str] = []
    real = rates._letter_bits
    monkeypatch.setattr(rates, "_letter_bits", lambda con: used.append("bits") or real(con))
    f = Filters(drug_class=("Opioids",))
    with q.open_db(indexed) as con:
        for grain in q.GRAINS:
            assert q.trend(con, grain, f)["decisions"].sum() > 0
        assert not used
        q.overturn_rate_by(con, "service_subcategory", f)
    assert used == ["bits"]  # the breakdown still takes it
