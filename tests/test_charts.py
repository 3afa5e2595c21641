"""Charts, takeaways and number formats are pure functions: checked here without Streamlit."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from queries.stats import newcombe_diff
from ui import charts, takeaways
from ui import format as fmt

BARS = pl.DataFrame(
    {
        "cat": ["A", "B", "C", "D"],
        "decisions": [100, 5, 200, 3],
        "overturned": [10, 4, 30, 3],
        "rate": [0.10, 0.80, 0.15, 1.0],
        "ci_low": [0.05, 0.37, 0.11, 0.44],
        "ci_high": [0.17, 0.96, 0.20, 1.0],
        "small": [False, True, False, True],
    }
)


def test_small_groups_are_grey_and_listed_after_ranked_ones() -> None:
    spec = charts.rate_bars(BARS, "cat").to_dict()
    bars = spec["layer"][0]
    # ranked by rate (C 15 % before A 10 %), then the small groups by n, never by their rate
    assert bars["encoding"]["y"]["sort"] == ["C", "A", "B", "D"]
    colour = bars["encoding"]["color"]
    assert colour["condition"][0] == {"test": "datum.small", "value": charts.GREY}
    assert [p["name"] for p in spec.get("params", [])] == [charts.SELECTION]
    whisker = spec["layer"][1]["encoding"]
    assert (whisker["x"]["field"], whisker["x2"]["field"]) == ("ci_low", "ci_high")


def test_rate_bars_without_selection_has_no_params() -> None:
    spec = charts.rate_bars(BARS, "cat", selectable=False).to_dict()
    assert charts.SELECTION not in json.dumps(spec)  # a dangling reference breaks the chart
    kept = charts.rate_bars(BARS, "cat", keep_order=True).to_dict()
    assert kept["layer"][0]["encoding"]["y"]["sort"] == ["A", "B", "C", "D"]


def test_trend_marks_only_breakpoints_inside_the_data() -> None:
    trend = pl.DataFrame(
        {
            "period": [date(2017, 1, 1), date(2018, 1, 1), date(2019, 1, 1)],
            "decisions": [10, 20, 30],
            "overturned": [1, 2, 3],
            "rate": [0.1, 0.1, 0.1],
            "ci_low": [0.0] * 3,
            "ci_high": [0.4] * 3,
            "letters": [5, 9, 12],
            "partial": [True, False, False],
        }
    )
    spec = charts.trend_chart(trend).to_dict()
    marks = {d["label"] for v in spec["datasets"].values() for d in v if "label" in d}
    assert marks == {"MTUS Chronic Pain & Opioid update", "MTUS Drug Formulary"}  # not COVID
    assert len(spec["vconcat"]) == 2  # rate with band, volume


def test_breakpoints_come_from_the_data_file() -> None:
    bp = charts.breakpoints()
    assert bp["date"].to_list() == [date(2017, 12, 1), date(2018, 1, 1), date(2020, 3, 1)]


def test_bars_takeaway_never_names_a_small_group() -> None:
    text = takeaways.bars(BARS, "cat")
    assert text.startswith("Highest overturn rate: C at 15.0 % of 200")
    assert "lowest: A at 10.0 % of 100" in text
    assert "2 group(s) below the minimum n" in text
    assert "B" not in text.split(".")[0] and "D at" not in text
    all_small = BARS.with_columns(pl.lit(True).alias("small"))
    assert takeaways.bars(all_small, "cat") == (
        f"All {all_small.height} groups are below the minimum n: greyed, none ranked."
    )


def test_trend_takeaway_skips_partial_and_small_periods() -> None:
    trend = pl.DataFrame(
        {
            "period": [
                date(2016, 10, 1),
                date(2016, 12, 1),
                date(2017, 1, 1),
                date(2017, 4, 1),
                date(2017, 7, 1),
            ],
            "decisions": [4, 12, 50, 60, 2],
            "overturned": [4, 6, 5, 12, 0],
            "rate": [1.0, 0.5, 0.10, 0.20, 0.0],
            "partial": [True, False, False, False, True],
        }
    )
    # 5/50 vs 12/60: Newcombe's interval for +10 points is about -4.0 to +23: within noise.
    assert takeaways.trend(trend, "quarter") == (
        "The overturn rate rose from 10.0 % (2017 Q1, n = 50 decisions) to 20.0 % "
        "(2017 Q2, n = 60), a change within statistical noise; shaded band = 95 % interval."
    )
    bigger = trend.with_columns(pl.col("decisions") * 10, pl.col("overturned") * 10)
    assert "beyond statistical noise" in takeaways.trend(bigger, "quarter")


def test_movers_compare_the_last_two_periods() -> None:
    df = pl.DataFrame(
        {
            "year": ["2017", "2018", "2019", "2018", "2019", "2019"],
            "cat": ["A", "A", "A", "B", "B", "C"],
            "rate": [0.5, 0.10, 0.30, 0.20, 0.15, 0.9],
            "decisions": [40, 40, 40, 40, 40, 40],
            "overturned": [20, 4, 12, 8, 6, 36],
        }
    )
    moved = takeaways.movers(df, "cat", "year")
    assert moved["cat"].to_list() == ["A", "B"]  # C has no 2018 rate to compare with
    assert [round(x, 1) for x in moved["change_points"]] == [20.0, -5.0]
    assert moved["periods"][0] == "2018 → 2019"
    # Newcombe's interval for A (12/40 vs 4/40) and B (6/40 vs 8/40), checked with
    # queries.stats (itself tested against published values): A's move is beyond noise.
    low, high = newcombe_diff(12, 40, 4, 40)
    assert moved["ci_low_points"][0] == pytest.approx(low * 100)
    assert moved["ci_high_points"][0] == pytest.approx(high * 100)
    assert moved["clear"].to_list() == [low > 0, False]


def test_formats() -> None:
    assert fmt.pct(0.0874) == "8.7 %"
    assert fmt.pct(None) == "-"
    assert fmt.rate_with_ci(0.0874, 0.061, 0.123) == "8.7 % (95 % CI 6.1–12.3 %)"
    assert fmt.count(1, "decisions") == "1 decision"
    assert fmt.count(1234, "letters") == "1,234 letters"
    assert fmt.points(-0.0321) == "-3.2 pp"
    assert fmt.p_value(0.0004) == "p < 0.001"
    assert fmt.date_span(date(2016, 12, 9), date(2017, 2, 1)) == "Dec 2016 – Feb 2017"
    assert fmt.date_span(date(2016, 12, 9), date(2017, 2, 1), short=True) == "2016–2017"
    assert fmt.period(date(2016, 4, 1), "quarter") == "2016 Q2"
    assert fmt.md("cost $100 <b>") == "cost \\$100 \\<b\\>"
