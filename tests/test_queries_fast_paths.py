"""The decision_facts fast paths answer exactly like the plain join and like polars on the raw
rows: letters counted at flagged rows (letter_first, category_first), reviewer-state filters
and breakdowns on the integer state_set, deep pages sorted by key then fetched by row id.

Each answer is computed on one database twice: with no derived tables (every query on the
decisions x letters join, the slow paths) and after `refresh_derived`. Random filters come
from a seeded generator, so a failure names a reproducible case.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import duckdb
import polars as pl
import pytest

import queries as q
from queries import rates, tables
from queries.compare import shared_decisions
from queries.derived import derived_fresh, refresh_derived
from queries.filters import BOOL_FIELDS, CHOICE_FIELDS
from tests.querydb import build_query_db, expected_items, insert, make_rows

ITEM_FIELDS = sorted(set(CHOICE_FIELDS) - rates.LETTER_FIELDS)
LETTER_CHOICES = sorted(set(CHOICE_FIELDS) & rates.LETTER_FIELDS)


def random_filters(rng: random.Random, options: dict[str, list[str]]) -> q.Filters:
    """Mostly letter fields (the flagged paths), sometimes the category or another item
    field (category_first, or the distinct-count fallback), states half the time."""
    kwargs: dict[str, object] = {}
    for name in rng.sample(LETTER_CHOICES, rng.randrange(0, 3)):
        values = options.get(name) or list(q.vocab.FIXED_VALUES[name])
        kwargs[name] = tuple(rng.sample(values, min(len(values), rng.choice([1, 2]))))
    if rng.random() < 0.5:
        kwargs["reviewer_state"] = tuple(rng.sample(options["reviewer_state"], rng.choice([1, 2])))
    if rng.random() < 0.4:
        kwargs["service_category"] = tuple(
            rng.sample(options["service_category"], rng.choice([1, 2]))
        )
    if rng.random() < 0.2:
        name = rng.choice(ITEM_FIELDS)
        kwargs[name] = tuple(rng.sample(options[name], 1))
    if rng.random() < 0.3:
        start = date(2015, 3, 1) + timedelta(days=rng.randrange(0, 500))
        kwargs.update(date_from=start, date_to=start + timedelta(days=rng.randrange(30, 400)))
    if rng.random() < 0.2:
        kwargs[rng.choice(BOOL_FIELDS)] = rng.random() < 0.5
    return q.Filters(**kwargs)


def answers(con: duckdb.DuckDBPyConnection, cases: list[tuple]) -> list[object]:
    out: list[object] = []
    for f, dim, by in cases:
        out += [
            q.summary(con, f),
            q.overturn_rate_by(con, dim, f, by=by),
            q.overturn_rate_by(con, dim, f, by=by, letters=False),
            q.overturn_rate_by(con, "reviewer_state", f),
            q.overturn_rate_by(
                con, "reviewer_state", f, by=dim if dim != "reviewer_state" else None
            ),
            q.trend(con, "quarter", f),
            q.trend(con, "year", f, by="service_category"),
            q.trend(con, "year", f, by="reviewer_state"),
            q.decision_count(con, f),
            q.compare(con, f, q.Filters()),
        ]
    for c, sort, descending, offset in pages():
        out.append(q.decisions(con, cases[c][0], sort=sort, descending=descending, limit=25,
                               offset=offset))  # fmt: skip
    return out


PAGE_CASES = 6  # the first cases' filters (the two unfiltered ones among them)
OFFSETS = (0, 37, 400)  # with SHALLOW 30: the plain page, then the state-set page path twice


def pages() -> list[tuple[int, str, bool, int]]:
    """(case, sort, descending, offset) of the page queries: a pairwise design, not the full
    product (6 x 9 x 2 x 3, ~half the file's queries). A page's route is chosen per (sort,
    offset) and its rows by the case's filters and the direction, so each case is paged under
    every sort, and each (sort, case) pair takes the direction and offset of x = sort + case:
    x % 2 and x % 3 give every (direction, offset) pair as x runs over six values, and every
    direction and offset with each sort and with each case (`test_the_pages_cover_every_pair`).
    """
    out = []
    for c in range(PAGE_CASES):
        for s, sort in enumerate(q.vocab.SORT_COLUMNS):
            out.append((c, sort, (s + c) % 2 == 0, OFFSETS[(s + c) % len(OFFSETS)]))
    return out


def test_the_pages_cover_every_pair():
    design = pages()
    levels = [range(PAGE_CASES), list(q.vocab.SORT_COLUMNS), (True, False), OFFSETS]
    for i in range(4):
        for j in range(i + 1, 4):
            seen = {(row[i], row[j]) for row in design}
            assert seen == {(a, b) for a in levels[i] for b in levels[j]}, (i, j)
    assert len(design) == len(set(design)) < PAGE_CASES * len(levels[1]) * 2 * len(OFFSETS) / 5


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_query_db(tmp_path_factory.mktemp("fast") / "imr.duckdb", n_letters=400)
    with duckdb.connect(str(path)) as con:  # a letter naming a state twice counts once for it
        letters, items = make_rows(3, seed=5, start=900)
        letters[0]["reviewer_states"] = ["Texas", "Texas", "Ohio"]
        insert(con, letters, items)
    return path


@pytest.fixture(scope="module")
def cases(db):
    rng = random.Random(1313)
    with q.open_db(db) as con:
        options = q.filter_options(con)
    dims = [d for d in q.DIMENSIONS]
    out = [(q.Filters(), "reviewer_specialty", None), (q.Filters(), "service_category", None)]
    for _ in range(30):
        dim = rng.choice(dims)
        by = rng.choice([None, None, "service_category", "decision_year", "priority"])
        out.append((random_filters(rng, options), dim, None if by == dim else by))
    return out


def test_fast_paths_answer_like_the_join(db, cases, monkeypatch):
    monkeypatch.setattr(tables, "SHALLOW", 30)  # offsets 37 and 400: the state-set page path
    with q.open_db(db) as con:
        assert not derived_fresh(con)
        slow = answers(con, cases)
    with duckdb.connect(str(db)) as con:
        refresh_derived(con)
    with q.open_db(db) as con:
        assert derived_fresh(con)
        flagged = sum(rates.letter_flag(con, f, (d,) + ((b,) if b else ())) is not None
                      for f, d, b in cases)  # fmt: skip
        fast = answers(con, cases)
    assert flagged >= len(cases) // 4  # the flagged paths are really exercised
    assert len(slow) == len(fast)
    for x, y in zip(slow, fast, strict=True):
        if isinstance(x, pl.DataFrame):
            assert x.equals(y), (x, y)
        else:
            assert x == y


def expected_letters(raw: pl.DataFrame, f: q.Filters, groups: list[str]) -> dict:
    """Distinct letters per group, from the raw rows in polars (states exploded)."""
    rows = raw
    if f.date_from:
        rows = rows.filter(pl.col("decision_date") >= f.date_from)
    if f.date_to:
        rows = rows.filter(pl.col("decision_date") <= f.date_to)
    for name in CHOICE_FIELDS:
        values = list(getattr(f, name))
        if not values:
            continue
        if name == "reviewer_state":
            rows = rows.filter(
                pl.col("reviewer_states").list.eval(pl.element().is_in(values)).list.any()
            )
        else:
            rows = rows.filter(pl.col(name).is_in(values))
    for name in BOOL_FIELDS:
        if getattr(f, name) is not None:
            rows = rows.filter(pl.col(name) == getattr(f, name))
    if "reviewer_state" in groups:
        rows = rows.with_columns(pl.col("reviewer_states").alias("reviewer_state")).explode(
            "reviewer_state"
        )
    out = rows.group_by(groups).agg(
        pl.len().alias("decisions"), pl.col("letter_id").n_unique().alias("letters")
    )
    return {tuple(r[:-2]): tuple(r[-2:]) for r in out.rows()}


def test_flagged_letter_counts_match_polars(db, cases):
    with duckdb.connect(str(db)) as con:
        refresh_derived(con)
    raw = expected_items(db)
    with q.open_db(db) as con:
        for f, dim, by in cases:
            groups = [by, dim] if by else [dim]
            got = q.overturn_rate_by(con, dim, f, by=by, min_n=0)
            want = expected_letters(raw, f, groups)
            pairs = got.select(*groups, "decisions", "letters").rows()
            assert {tuple(r[:-2]): tuple(r[-2:]) for r in pairs} == want, (f, dim, by)
            vs_all = q.compare(con, f, q.Filters())
            assert vs_all.shared == shared_decisions(con, f, q.Filters()) == vs_all.a_n
            s = q.summary(con, f).row(0, named=True)
            total = expected_letters(raw.with_columns(all=pl.lit(1)), f, ["all"]).get((1,), (0, 0))
            assert (s["decisions"], s["letters"]) == total, f
        texas = q.overturn_rate_by(con, "reviewer_state", q.Filters(), min_n=0)
        row = texas.filter(pl.col("reviewer_state") == "Texas").row(0, named=True)
        assert rates.letter_flag(con, q.Filters(), ("reviewer_state",)) == "letter_first"
        assert (row["decisions"], row["letters"]) == expected_letters(
            raw, q.Filters(), ["reviewer_state"]
        )[("Texas",)]


def test_a_changed_state_filter_format_is_noticed():
    """The state-set rewrite matches the clause filters.py writes; if that text changes, the
    rewrite silently stops (correct but slow): this test says so instead."""
    from queries.statesets import integer_state_filter

    where, _ = q.Filters(reviewer_state=("Texas", "Ohio")).where(prefix="a_")
    assert "list_has_any" not in integer_state_filter(where)
    assert "state_set in (select state_set from state_set_members" in integer_state_filter(where)
