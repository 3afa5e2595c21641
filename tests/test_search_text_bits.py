"""The text filter as one bitstring of the matches (fulltext.bits, a get_bit per row) and the
summary's letters as bit counts (summary_bits.sql): every answer equals the general path's
(the matching numbers registered and semi-joined, letters grouped per letter), and the fast
paths are the ones taken."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest
from polars.testing import assert_frame_equal

import queries as q
from queries import fulltext, rates, runner, tables
from queries.binding import index_of, registered
from queries.filters import Filters
from tests.keptdb import kept
from tests.test_search_index import demo_db

TEXTS = ["zolpidem", "therapy", "request", "documentation", "documentation zolpidem",
         '"functional improvement"', "radic*", "no-such-word"]  # fmt: skip
OTHERS = {
    "none": {},
    "one category": {"service_category": ("Pharmaceuticals",)},
    "state": {"reviewer_state": ("California",)},
    "year": {"date_from": date(2019, 1, 1), "date_to": date(2019, 12, 31)},
}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Iterator[Path]:
    yield from kept(demo_db(tmp_path_factory.mktemp("bits") / "imr.duckdb"))


@contextmanager
def joined(
    con: duckdb.DuckDBPyConnection, f: Filters, *, prefix: str = ""
) -> Iterator[tuple[str, dict[str, object]]]:
    """The general path: the matching numbers registered and semi-joined."""
    index = index_of(con) if f.text else None
    if index is None:
        yield f.where(prefix=prefix)
        return
    with registered(con, fulltext.keys(index, f.text)) as name:
        yield f.where(text_table=name, prefix=prefix)


def answers(f: Filters) -> list:
    return [
        lambda con: rates.summary(con, f),
        lambda con: q.decision_count(con, f),
        lambda con: q.decisions(con, f, limit=30),
        lambda con: q.decisions(con, f, limit=30, offset=100, sort="service", descending=False),
        lambda con: q.overturn_rate_by(con, "service_category", f),
        lambda con: q.overturn_rate_by(con, "reviewer_state", f, letters=False),
        lambda con: q.trend(con, "year", f),
        lambda con: q.compare(con, f, Filters()),
    ]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("others", list(OTHERS))
def test_the_bit_lookup_equals_the_semi_join(indexed, monkeypatch, text, others):
    """Each answer that looked the bits up (a `bound` with a text always does) against the
    semi-join; the summary always (its general path is another query). An answer that did not
    (a text in most rows: the misses; pages by keys) ran no `bound` with a text, so the
    semi-join would change nothing in it: not compared (48 of 256 when written)."""
    f = Filters(text=text, **OTHERS[others])
    looked_up = []
    real = fulltext.bits
    monkeypatch.setattr(fulltext, "bits", lambda *a: looked_up.append(1) or real(*a))
    with q.open_db(indexed) as con:
        assert index_of(con) is not None
        fast, todo = [], []
        for k, call in enumerate(answers(f)):
            looked_up.clear()
            fast.append(call(con))
            if looked_up or k == 0:
                todo.append(k)
        assert len(todo) > 1  # the bit lookup answered
        for module in (
            rates,
            tables,
            importlib.import_module("queries.compare"),
        ):  # every binding of the answers above
            monkeypatch.setattr(module, "bound", joined)
        monkeypatch.setattr(rates, "summary", _grouped_summary)
        slow = [answers(f)[k](con) for k in todo]
    for a, b in zip([fast[k] for k in todo], slow, strict=True):
        if hasattr(a, "columns"):
            assert_frame_equal(a, b)
        else:
            assert a == b


def _grouped_summary(con: duckdb.DuckDBPyConnection, f: Filters):
    """summary.sql over the semi-join: letters grouped per letter."""
    with joined(con, f) as (where, params):
        return runner.run(con, "summary", params, where=where)


@pytest.mark.parametrize("text", ["therapy", "zolpidem", "documentation zolpidem", "no-such-word"])
def test_a_text_summary_counts_letters_as_bits(indexed, monkeypatch, text):
    taken = []
    real = rates.run
    monkeypatch.setattr(rates, "run", lambda con, name, *a, **k: taken.append(name)
                        or real(con, name, *a, **k))  # fmt: skip
    with q.open_db(indexed) as con:
        f = Filters(text=text, service_category=("Pharmaceuticals", "Surgery"))  # no flag
        got, want = q.summary(con, f), _grouped_summary(con, f)
    assert "summary_bits" in taken
    assert_frame_equal(got, want)


def test_the_bits_are_the_matches_and_a_larger_number_reads_unset(indexed):
    with q.open_db(indexed) as con:
        index = index_of(con)
        hits = np.asarray(fulltext.keys(index, "therapy")["rowid"].to_pylist())
        bits = fulltext.bits(index, "therapy")
        top = con.sql("select max(decision_no) from decisions").fetchall()[0][0]
        sql = (f"select get_bit($b::bit, least(n, bit_length($b::bit) - 1)::integer) "
               f"from range({top + 1000}) t(n) order by n")  # fmt: skip
        found = con.sql(sql, params={"b": bits}).fetchall()
    assert np.flatnonzero([r[0] for r in found]).tolist() == sorted(hits.tolist())
