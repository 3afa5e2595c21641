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


def for_browser(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart as the app's pages draw it: on a canvas, not as SVG.

    Vega's SVG renderer builds a DOM node (with ARIA attributes) for every mark, and the
    browser styles and lays out each one again whenever a stretched chart is resized while
    the page fills; a canvas is one element. Exported reports keep SVG (ui/report.py draws
    the chart as it was built, without this).
    """
    meta = chart.usermeta if isinstance(chart.usermeta, dict) else {}
    embed = {**meta.get("embedOptions", {}), "renderer": "canvas"}
    return chart.properties(usermeta={**meta, "embedOptions": embed})


def breakpoints() -> pl.DataFrame:
    """The policy changes to mark on time charts, from breakpoints.toml."""
    rows = tomllib.loads(_BREAKPOINTS.read_text())["breakpoint"]
    return pl.DataFrame(rows, schema={"date": pl.Date, "label": pl.String})


# Vega's `%` format writes `8.7%`; the house style everywhere is `8.7 %` (common/numbers.py).
PCT_LABEL = "replace(format(datum.value, '.1~%'), '%', ' %')"
_STEP = {"month": "1mo", "quarter": "3mo", "year": "1y"}
AXIS_EXTENT = 44  # px for y-axis labels, the same on stacked charts so their x axes align


def _rate_axis(title: str = "Overturn rate (decisions)") -> alt.Axis:
    # ~ trims zeros (10 %, 12.5 %); minExtent lines the trend's two charts up on one x
    return alt.Axis(labelExpr=PCT_LABEL, title=title, minExtent=AXIS_EXTENT)


def _with_text(df: pl.DataFrame) -> pl.DataFrame:
    """Tooltip strings in the house style (Vega's own format would print `8.7%`)."""

    def pct(col: str) -> pl.Expr:
        return (pl.col(col) * 100).round(1).cast(pl.String) + " %"

    return df.with_columns(rate_text=pct("rate"), ci_text=pct("ci_low") + " – " + pct("ci_high"))


def _tooltip(label: str) -> list[alt.Tooltip]:
    return [
        alt.Tooltip(f"{label}:N"),
        alt.Tooltip("rate_text:N", title="overturn rate"),
        alt.Tooltip("ci_text:N", title="95 % CI"),
        alt.Tooltip("overturned:Q", format=",", title="overturned"),
        alt.Tooltip("decisions:Q", format=",", title="decisions (n)"),
    ]


def time_axis(grain: str, periods: int) -> alt.Axis:
    """Ticks on period boundaries, labelled with the year (never Vega's `Mon 17`)."""
    if grain == "month" and periods <= 36:
        step = 1 if periods <= 12 else 3
        return alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": step},
                        labelOverlap=True, title=None)  # fmt: skip
    if grain == "quarter" and periods <= 12:
        return alt.Axis(
            labelExpr="'Q' + quarter(datum.value) + ' ' + year(datum.value)",
            tickCount={"interval": "month", "step": 3}, labelOverlap=True, title=None,
        )  # fmt: skip
    return alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1}, labelOverlap=True,
                    title=None)  # fmt: skip


def _mid_period(df: pl.DataFrame, grain: str) -> pl.DataFrame:
    """Each point drawn in the middle of its period: a year's rate is not a January value,
    so it must not sit on a policy line dated 1 January."""
    start = pl.col("period").cast(pl.Datetime("ms"))
    end = start.dt.offset_by(_STEP.get(grain, "3mo"))
    return df.with_columns(mid=start + (end - start) / 2, start=start, end=end)


def trend_chart(
    df: pl.DataFrame,
    *,
    grain: str = "quarter",
    line: bool = True,
    marks: pl.DataFrame | None = None,
) -> tuple[alt.LayerChart, alt.Chart]:
    """Overturn rate over time with its 95 % band and policy breakpoints; decision volume.

    Two charts sharing one explicit time domain, not a vconcat: Vega cannot fit a concat to
    its container, so a concat ran past the page column.
    `line=False` draws the periods as points with whiskers only: with too few periods for a
    trend, a line would suggest one.
    """
    first, last = df["period"].min(), df["period"].max()
    marks = breakpoints() if marks is None else marks
    if isinstance(first, date):
        end = pl.Series([first, last]).cast(pl.Datetime("ms")).dt.offset_by(_STEP.get(grain, "3mo"))
        marks = marks.filter(pl.col("date").is_between(first, end[1].date()))
    else:
        marks = marks.clear()
    df = _with_text(_mid_period(df, grain))
    # A label right of the middle is drawn leftwards of its line, so none runs off the chart.
    middle = first + (last - first) / 2 if isinstance(first, date) else None
    marks = marks.with_row_index("row").with_columns(
        dy=pl.col("row") * 14, right=pl.col("date") > middle if middle else pl.lit(False)
    )
    domain = [df["start"].min(), df["end"].max()]
    x = alt.X(
        "mid:T",
        title=None,
        axis=time_axis(grain, df.height),
        scale=alt.Scale(domain=[d.isoformat() for d in domain]),
    )
    base = alt.Chart(df)
    tooltip = [alt.Tooltip("period:T", title="period start"), *_tooltip("partial")[1:]]
    if line:
        band = base.mark_area(opacity=0.25, color=BLUE).encode(x=x, y="ci_low:Q", y2="ci_high:Q")
        rates = base.mark_line(color=BLUE, point=True)
    else:
        band = base.mark_rule(color=BLUE).encode(x=x, y="ci_low:Q", y2="ci_high:Q")
        rates = base.mark_point(color=BLUE, filled=True, size=60)
    rates = rates.encode(x=x, y=alt.Y("rate:Q", axis=_rate_axis()), tooltip=tooltip)
    at = alt.X("date:T", scale=alt.Scale(domain=[d.isoformat() for d in domain]))
    rule = alt.Chart(marks).mark_rule(color=VERMILLION, strokeDash=[4, 3]).encode(x=at)
    texts = [
        alt.Chart(marks.filter(pl.col("right") == side))
        .mark_text(align=align, dx=dx, color=VERMILLION, baseline="top")
        .encode(x=at, y=alt.Y("dy:Q", scale=None), text="label:N")
        for side, align, dx in ((False, "left", 4), (True, "right", -4))
    ]
    top = alt.layer(band, rates, rule, *texts).properties(height=260)
    volume = (
        base.mark_bar(color=GREY)
        .encode(
            x=x,
            y=alt.Y(
                "decisions:Q", title="Decisions", axis=alt.Axis(minExtent=AXIS_EXTENT, tickCount=3)
            ),
            tooltip=[
                alt.Tooltip("period:T", title="period start"),
                alt.Tooltip("decisions:Q", format=","),
            ],
        )
        .properties(height=90)
    )
    return top, volume


def _ranked_order(df: pl.DataFrame, label: str) -> list[str]:
    """Ranked groups by rate, highest first, then the small (unranked) groups by n."""
    ranked = df.filter(~pl.col("small")).sort("rate", descending=True)
    small = df.filter(pl.col("small")).sort("decisions", descending=True)
    return [str(v) for v in pl.concat([ranked, small])[label].to_list()]


def axis_max(df: pl.DataFrame) -> float:
    """Right end of a rate axis: the widest whisker of a group of more than one decision.

    A 1-decision group's interval is about 0-80 %; letting it set the axis would squash
    every real group into the left fifth. Its whisker is clipped at the edge instead.
    """
    wide = df.filter(pl.col("decisions") > 1)
    top = max([0.0, *df["rate"].drop_nulls().to_list(), *wide["ci_high"].drop_nulls().to_list()])
    return min(1.0, max(0.05, -(-top * 20 // 1) / 20 + 0.05))  # next 5 %, plus room for n


def rate_bars(
    df: pl.DataFrame,
    label: str,
    *,
    selectable: bool = True,
    keep_order: bool = False,
    n_note: str = "",
) -> alt.LayerChart:
    """Horizontal bars of overturn rate with 95 % whiskers and n; small groups greyed.

    `n_note` is appended to each n label (e.g. `per state` where a decision counts once for
    each state listed).
    """
    right = axis_max(df)
    df = _with_text(df).with_columns(
        pl.col(label).cast(pl.String),
        n_text="n=" + pl.col("decisions").cast(str) + (f" {n_note}" if n_note else ""),
        n_at=pl.min_horizontal(pl.col("ci_high"), pl.lit(right)),
    )
    order = [str(v) for v in df[label]] if keep_order else _ranked_order(df, label)
    y = alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=240))
    pick = alt.selection_point(name=SELECTION, fields=[label], empty=True)
    grey_small = alt.when(alt.datum.small).then(alt.value(GREY))
    if selectable:  # a condition on an undeclared selection stops Vega drawing the chart
        colour = grey_small.when(pick).then(alt.value(BLUE)).otherwise(alt.value("#9ECAE9"))
    else:
        colour = grey_small.otherwise(alt.value(BLUE))
    scale = alt.Scale(domain=[0, right], clamp=True)
    base = alt.Chart(df).encode(y=y)
    bars = base.mark_bar(clip=True).encode(
        x=alt.X("rate:Q", axis=_rate_axis(), scale=scale),
        color=colour,
        tooltip=_tooltip(label),
    )
    if selectable:
        bars = bars.add_params(pick)
    whiskers = base.mark_rule(color="#333333", clip=True).encode(
        x=alt.X("ci_low:Q", scale=scale), x2="ci_high:Q"
    )
    n = base.mark_text(align="left", dx=4, color="#333333").encode(
        x=alt.X("n_at:Q", scale=scale), text="n_text:N"
    )
    return alt.layer(bars, whiskers, n).properties(height=alt.Step(22))


def heatmap(df: pl.DataFrame, x: str, y: str) -> alt.LayerChart:
    """Overturn rate for every (x, y) pair with n written in the cell.

    Cells under the minimum n are grey and outside the colour scale (its domain is set by
    the ranked cells only), and each number is black or white by its cell's lightness.
    """
    ranked = df.filter(~pl.col("small"))["rate"].drop_nulls()
    low, high = (ranked.min(), ranked.max()) if ranked.len() else (0.0, 1.0)
    if high == low:
        low, high = max(0.0, low - 0.05), min(1.0, high + 0.05)
    df = _with_text(df).with_columns(
        # viridis runs from dark (low) to light (high): white text on its darker 60 %
        ink=pl.when(pl.col("small") | ((pl.col("rate") - low) / (high - low) > 0.6))
        .then(pl.lit("black"))
        .otherwise(pl.lit("white"))
    )
    base = alt.Chart(df).encode(
        x=alt.X(f"{x}:N", title=None,
                axis=alt.Axis(labelAngle=-35, labelLimit=200, labelOverlap=False)),
        y=alt.Y(f"{y}:N", title=None, axis=alt.Axis(labelLimit=240, labelOverlap=False)),
    )  # fmt: skip
    colour = alt.Color(
        "rate:Q", scale=alt.Scale(scheme="viridis", domain=[low, high], clamp=True),
        legend=alt.Legend(labelExpr=PCT_LABEL, title="Overturn rate"),
    )  # fmt: skip
    cells = base.mark_rect().encode(
        color=alt.when(alt.datum.small).then(alt.value("#E4E4E4")).otherwise(colour),
        tooltip=_tooltip(x)[:1] + _tooltip(y)[:1] + _tooltip(x)[1:],
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("decisions:Q", format=","), color=alt.Color("ink:N", scale=None)
    )
    # the numbers' ink is a literal colour, not on the rate scale: keep the two apart
    return alt.layer(cells, text).resolve_scale(color="independent").properties(height=alt.Step(26))
