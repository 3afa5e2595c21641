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


def test_the_app_draws_charts_on_a_canvas_and_the_report_keeps_svg() -> None:
    built = charts.rate_bars(BARS, "cat")
    drawn = charts.for_browser(built).to_dict()
    assert drawn["usermeta"] == {"embedOptions": {"renderer": "canvas"}}
    assert "usermeta" not in built.to_dict()  # the chart the report exports is untouched
    assert {k: v for k, v in drawn.items() if k != "usermeta"} == built.to_dict()
    tagged = built.properties(usermeta={"note": "x", "embedOptions": {"padding": 4}})
    kept = charts.for_browser(tagged).to_dict()["usermeta"]  # other options are kept
    assert kept == {"note": "x", "embedOptions": {"padding": 4, "renderer": "canvas"}}


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
    rates, volume = charts.trend_chart(trend, grain="year")
    spec = rates.to_dict()
    marks = {d["label"] for v in spec["datasets"].values() for d in v if "label" in d}
    assert marks == {"MTUS Chronic Pain & Opioid update", "MTUS Drug Formulary"}  # not COVID
    assert volume.to_dict()["mark"]["type"] == "bar"
    # a year's point sits mid-year, not on the 1 January policy line
    points = next(v for v in spec["datasets"].values() if v and "mid" in v[0])
    assert [p["mid"][:10] for p in points] == ["2017-07-02", "2018-07-02", "2019-07-02"]
    x = spec["layer"][1]["encoding"]["x"]
    assert x["axis"]["format"] == "%Y" and x["axis"]["tickCount"]["interval"] == "year"


def _periods(n: int, grain: str) -> pl.DataFrame:
    starts = pl.date_range(
        date(2016, 1, 1),
        date(2030, 1, 1),
        {"month": "1mo", "quarter": "3mo", "year": "1y"}[grain],
        eager=True,
    )[:n]
    return pl.DataFrame(
        {
            "period": starts,
            "decisions": [40] * n,
            "overturned": [4] * n,
            "rate": [0.1] * n,
            "ci_low": [0.05] * n,
            "ci_high": [0.2] * n,
            "partial": [False] * n,
        }
    )


@pytest.mark.parametrize(
    ("n", "grain"), [(8, "month"), (30, "month"), (80, "month"), (6, "quarter"), (20, "quarter")]
)
def test_time_axis_labels_always_carry_the_year(n: int, grain: str) -> None:
    rates, _ = charts.trend_chart(_periods(n, grain), grain=grain)
    axis = rates.to_dict()["layer"][1]["encoding"]["x"]["axis"]
    label = axis.get("format") or axis.get("labelExpr")
    assert "%Y" in label or "year(datum.value)" in label  # never Vega's own `Mon 17`
    assert "%a" not in label and "%d" not in label


def test_too_few_periods_draw_points_without_a_line() -> None:
    rates, _ = charts.trend_chart(
        _periods(2, "quarter").with_columns(decisions=pl.lit(3)), line=False
    )
    kinds = {
        layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        for layer in rates.to_dict()["layer"]
    }
    assert "line" not in kinds and "area" not in kinds and "point" in kinds
    assert not takeaways.has_trend(_periods(2, "quarter").with_columns(decisions=pl.lit(3)))
    assert takeaways.has_trend(_periods(3, "quarter"))


def test_one_decision_whiskers_do_not_set_the_rate_axis() -> None:
    one = pl.DataFrame(
        {
            "cat": ["A", "B"],
            "decisions": [400, 1],
            "overturned": [40, 1],
            "rate": [0.1, 1.0],
            "ci_low": [0.07, 0.21],
            "ci_high": [0.13, 1.0],
            "small": [False, True],
        }
    )
    assert charts.axis_max(one) == 1.0  # its bar (100 %) still shows
    zero = one.with_columns(
        overturned=pl.Series([40, 0]),
        rate=pl.Series([0.1, 0.0]),
        ci_low=pl.Series([0.07, 0.0]),
        ci_high=pl.Series([0.13, 0.79]),
    )
    assert charts.axis_max(zero) == pytest.approx(0.2)  # not 0.79: the 0-of-1 whisker is clipped
    spec = charts.rate_bars(zero, "cat").to_dict()
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, pytest.approx(0.2)]
    assert spec["layer"][1]["mark"]["clip"] is True


def test_rates_are_written_8_7_space_percent_in_charts() -> None:
    spec = charts.rate_bars(BARS, "cat").to_dict()
    assert spec["layer"][0]["encoding"]["x"]["axis"]["labelExpr"] == charts.PCT_LABEL
    rows = next(iter(spec["datasets"].values()))
    assert rows[0]["rate_text"] == "10.0 %" and rows[0]["ci_text"] == "5.0 % – 17.0 %"
    assert "%" not in json.dumps([t.get("format") for t in spec["layer"][0]["encoding"]["tooltip"]])


def test_heatmap_colour_scale_ignores_small_cells() -> None:
    cells = pl.DataFrame(
        {
            "x": ["a", "a", "b", "b"],
            "y": ["p", "q", "p", "q"],
            "decisions": [100, 2, 80, 60],
            "overturned": [10, 2, 20, 9],
            "rate": [0.1, 1.0, 0.25, 0.15],
            "ci_low": [0.05, 0.3, 0.16, 0.08],
            "ci_high": [0.17, 1.0, 0.35, 0.26],
            "small": [False, True, False, False],
        }
    )
    spec = charts.heatmap(cells, "x", "y").to_dict()
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["condition"]["test"] == "datum.small"  # grey, outside the scale
    # the numbers' ink is a literal colour: sharing the rate scale made Vega draw nothing
    assert spec["resolve"]["scale"]["color"] == "independent"
    assert colour["scale"]["domain"] == [0.1, 0.25]  # not 1.0 from the 2-decision cell
    ink = {(r["x"], r["y"]): r["ink"] for r in next(iter(spec["datasets"].values()))}
    assert ink[("a", "p")] == "white" and ink[("b", "p")] == "black"  # dark / light viridis
    assert spec["layer"][0]["encoding"]["x"]["axis"]["labelOverlap"] is False  # every column


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
    # Beyond noise needs a Benjamini-Hochberg q <= 5 % across the two groups (statsmodels).
    from scipy.stats import chi2_contingency
    from statsmodels.stats.multitest import multipletests

    p_a = chi2_contingency([[12, 28], [4, 36]], correction=False).pvalue
    p_b = chi2_contingency([[6, 34], [8, 32]], correction=False).pvalue  # expected cells >= 5
    reject, q_values, _, _ = multipletests([p_a, p_b], method="fdr_bh")
    assert moved["q_value"].to_list() == pytest.approx(q_values.tolist())
    assert moved["clear"].to_list() == reject.tolist()


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
