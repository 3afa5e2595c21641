"""ui.figures: the small derived numbers pages show, each against a hand count."""

from __future__ import annotations

import tomllib
from inspect import signature
from pathlib import Path

import polars as pl
import pytest

import queries
from queries import MIN_N, Comparison, Filters
from ui import figures, takeaways
from ui import format as fmt


def test_summary_shares_and_sums() -> None:
    a = {"letters": 8, "demo_letters": 2}
    b = {"letters": 4, "demo_letters": 4}
    assert figures.demo_share(a) == 0.25
    assert figures.demo_share({"letters": 0, "demo_letters": 0}) is None
    assert figures.real_letters(a) == 6
    assert figures.letters_of_both([a, b]) == {"letters": 12, "demo_letters": 6}


def test_groups_frame_has_a_bar_per_group() -> None:
    row = {"decisions": 10, "overturned": 3, "rate": 0.3, "ci_low": 0.1, "ci_high": 0.6, "x": 1}
    df = figures.groups_frame([row, {**row, "decisions": 20}], "AB")
    assert df["group"].to_list() == ["A", "B"]
    assert df["decisions"].to_list() == [10, 20]
    assert not df["small"].any() and "x" not in df.columns


def test_parser_versions_quarantine_and_percent_columns() -> None:
    versions = pl.DataFrame({"parser_version": ["3", "2", "1"], "letters": [10, 4, 1]})
    assert figures.older_parser_letters(versions, "3") == 5
    assert figures.older_parser_letters(versions.head(1), "3") == 0
    q = pl.DataFrame({"reason": ["a", "b", "b", "c", "b", "a"]})
    assert figures.quarantine_reasons(q).rows() == [("b", 3), ("a", 2), ("c", 1)]
    shares = figures.as_percent(pl.DataFrame({"share": [0.123, None], "n": [1, 2]}), "share")
    assert shares["share"].to_list() == [pytest.approx(12.3), None]
    assert shares["n"].to_list() == [1, 2]


@pytest.mark.parametrize(("total", "pages"), [(0, 1), (1, 1), (50, 1), (51, 2), (101, 3)])
def test_paging(total: int, pages: int) -> None:
    assert figures.page_count(total, 50) == pages
    assert figures.page_offset(pages, 50) == (pages - 1) * 50


def test_one_percent_style_in_pages_and_memo_sentences() -> None:
    assert fmt.pct(0.123) == "12.3 %" and fmt.pct(0.5, 0) == "50 %" and fmt.pct(None) == "-"
    c = Comparison.of_counts(Filters(), Filters(), a_overturned=1, a_n=8, b_overturned=3, b_n=8)
    assert c.a_rate == 0.125 and c.diff == pytest.approx(-0.25) and c.test == "fisher"
    assert "1 of 8 decisions overturned, 12.5 % (95 % CI " in c.sentence()
    empty = Comparison.of_counts(Filters(), Filters(), a_overturned=0, a_n=0, b_overturned=1, b_n=2)
    assert (empty.a_rate, empty.b_rate, empty.diff, empty.test) == (None, 0.5, None, "none")
    with pytest.raises(TypeError):
        Comparison(Filters(), Filters(), 1, 1, 1.0, 1, 1, 1.0, 0, 0, 0, 1, "x")  # type: ignore


def test_min_n_is_one_constant() -> None:
    """The query default and the takeaways' defaults are the same constant, from TOML."""
    toml = tomllib.loads((Path(queries.__file__).parent / "vocabulary.toml").read_text("utf-8"))
    assert toml["min_n"] == MIN_N
    for fn in (queries.overturn_rate_by, takeaways.trend, takeaways.movers):
        assert signature(fn).parameters["min_n"].default == MIN_N, fn.__name__


def test_compare_defaults_to_the_last_two_years_the_data_holds() -> None:
    from datetime import date

    spans = figures.compare_spans(date(2016, 12, 1), date(2017, 2, 28))  # the 40 real letters
    assert spans == {
        "A": (date(2016, 1, 1), date(2016, 12, 31)),
        "B": (date(2017, 1, 1), date(2017, 12, 31)),
    }
    half = figures.compare_spans(date(2017, 1, 1), date(2017, 12, 31))
    assert half["A"] == (date(2017, 1, 1), date(2017, 7, 2))
    assert half["B"] == (date(2017, 7, 3), date(2017, 12, 31))
    assert figures.compare_spans(None, None)["B"] == (date(2018, 1, 1), date(2018, 12, 31))
