"""Pure DataFrame -> Altair chart functions: no Streamlit here, so charts are unit-testable.

Colours are Okabe-Ito (safe for the common colour-vision deficiencies); groups below the
minimum n are drawn grey and never given a rank, so a noisy 2-of-3 never looks like a finding.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import altair as alt
import pandas  # noqa: F401  (see below)
import polars as pl

# Altair checks `sys.modules.get("pandas")` while validating a chart. When two sessions start
# at once, one thread can see pandas half-imported by the other and fail; importing it here,
# under the import lock, before any chart is built closes that race.

BLUE, ORANGE, VERMILLION, GREY = "#0072B2", "#E69F00", "#D55E00", "#BBBBBB"
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
SELECTION = "pick"  # the name of the click selection on bar charts (read back by the page)
_BREAKPOINTS = Path(__file__).with_name("breakpoints.toml")


def breakpoints() -> pl.DataFrame:
    """The policy changes to mark on time charts, from breakpoints.toml."""
    rows = tomllib.loads(_BREAKPOINTS.read_text())["breakpoint"]
    return pl.DataFrame(rows, schema={"date": pl.Date, "label": pl.String})


def _rate_axis(title: str = "Overturn rate (decisions)") -> alt.Axis:
    return alt.Axis(format=".1~%", title=title)  # ~ trims zeros; .0% repeats ticks under 10 %


def _tooltip(label: str) -> list[alt.Tooltip]:
    return [
        alt.Tooltip(f"{label}:N"),
        alt.Tooltip("rate:Q", format=".1%", title="overturn rate"),
        alt.Tooltip("ci_low:Q", format=".1%", title="95% CI low"),
        alt.Tooltip("ci_high:Q", format=".1%", title="95% CI high"),
        alt.Tooltip("overturned:Q", format=",", title="overturned"),
        alt.Tooltip("decisions:Q", format=",", title="decisions (n)"),
    ]


def trend_chart(df: pl.DataFrame, *, marks: pl.DataFrame | None = None) -> alt.VConcatChart:
    """Overturn rate over time with its 95 % band, policy breakpoints, and decision volume."""
    first, last = df["period"].min(), df["period"].max()
    marks = breakpoints() if marks is None else marks
    if isinstance(first, date):
        marks = marks.filter(pl.col("date").is_between(first, last))
    else:
        marks = marks.clear()
    marks = marks.with_row_index("row").with_columns(dy=pl.col("row") * 14)  # labels stack
    x = alt.X("period:T", title=None)
    base = alt.Chart(df)
    band = base.mark_area(opacity=0.25, color=BLUE).encode(x=x, y="ci_low:Q", y2="ci_high:Q")
    line = base.mark_line(color=BLUE, point=True).encode(
        x=x,
        y=alt.Y("rate:Q", axis=_rate_axis()),
        tooltip=[alt.Tooltip("period:T", title="period"), *_tooltip("partial")[1:]],
    )
    rule = alt.Chart(marks).mark_rule(color=VERMILLION, strokeDash=[4, 3]).encode(x="date:T")
    text = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, color=VERMILLION, baseline="top")
        .encode(x="date:T", y=alt.Y("dy:Q", scale=None), text="label:N")
    )
    rates = alt.layer(band, line, rule, text).properties(height=260)
    volume = (
        base.mark_bar(color=GREY)
        .encode(
            x=x,
            y=alt.Y("decisions:Q", title="Decisions"),
            tooltip=[alt.Tooltip("period:T"), alt.Tooltip("decisions:Q", format=",")],
        )
        .properties(height=90)
    )
    return alt.vconcat(rates, volume).resolve_scale(x="shared")


def _ranked_order(df: pl.DataFrame, label: str) -> list[str]:
    """Ranked groups by rate, highest first, then the small (unranked) groups by n."""
    ranked = df.filter(~pl.col("small")).sort("rate", descending=True)
    small = df.filter(pl.col("small")).sort("decisions", descending=True)
    return [str(v) for v in pl.concat([ranked, small])[label].to_list()]


def rate_bars(
    df: pl.DataFrame, label: str, *, selectable: bool = True, keep_order: bool = False
) -> alt.LayerChart:
    """Horizontal bars of overturn rate with 95 % whiskers and n; small groups greyed."""
    df = df.with_columns(pl.col(label).cast(pl.String), n_text="n=" + pl.col("decisions").cast(str))
    order = [str(v) for v in df[label]] if keep_order else _ranked_order(df, label)
    y = alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=240))
    pick = alt.selection_point(name=SELECTION, fields=[label], empty=True)
    grey_small = alt.when(alt.datum.small).then(alt.value(GREY))
    if selectable:  # a condition on an undeclared selection stops Vega drawing the chart
        colour = grey_small.when(pick).then(alt.value(BLUE)).otherwise(alt.value("#9ECAE9"))
    else:
        colour = grey_small.otherwise(alt.value(BLUE))
    base = alt.Chart(df).encode(y=y)
    bars = base.mark_bar().encode(
        x=alt.X("rate:Q", axis=_rate_axis(), scale=alt.Scale(domainMin=0)),
        color=colour,
        tooltip=_tooltip(label),
    )
    if selectable:
        bars = bars.add_params(pick)
    whiskers = base.mark_rule(color="#333333").encode(x="ci_low:Q", x2="ci_high:Q")
    n = base.mark_text(align="left", dx=4, color="#333333").encode(x="ci_high:Q", text="n_text:N")
    return alt.layer(bars, whiskers, n).properties(height=alt.Step(22))


def heatmap(df: pl.DataFrame, x: str, y: str) -> alt.LayerChart:
    """Overturn rate for every (x, y) pair, n written in the cell; small cells faded."""
    base = alt.Chart(df).encode(
        x=alt.X(f"{x}:N", title=None, axis=alt.Axis(labelAngle=-40, labelLimit=160)),
        y=alt.Y(f"{y}:N", title=None, axis=alt.Axis(labelLimit=220)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("rate:Q", scale=alt.Scale(scheme="viridis"), legend=_legend()),
        opacity=alt.when(alt.datum.small).then(alt.value(0.25)).otherwise(alt.value(1.0)),
        tooltip=_tooltip(x)[:1] + _tooltip(y)[:1] + _tooltip(x)[1:],
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("decisions:Q", format=","),
        color=alt.when(alt.datum.rate > 0.5).then(alt.value("black")).otherwise(alt.value("white")),
    )
    return alt.layer(cells, text).properties(height=alt.Step(24))


def _legend() -> alt.Legend:
    return alt.Legend(format=".0%", title="Overturn rate")
