"""Charts of the analyses (timeliness, mix, trend by group, guideline agreement, fair
comparison, cases): pure DataFrame -> Altair functions, no Streamlit, unit-testable.

Colours as in ui/charts.py (Okabe-Ito); policy breakpoints from ui/breakpoints.toml on every
time axis; partial periods drawn hollow; groups below the minimum n grey.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import polars as pl

from queries.group_trend import OTHER
from queries.standardised import funnel_curve
from ui import charts
from ui.charts import BLUE, GREY, OKABE_ITO, ORANGE, VERMILLION, breakpoints, rate_bars

GREEN = "#009E73"
PCT = ".1~%"


def _marks(df: pl.DataFrame) -> alt.LayerChart | None:
    """Dashed rules and labels for the policy breakpoints inside the chart's period span."""
    if df.is_empty() or not isinstance(df["period"].min(), date):
        return None
    marks = breakpoints().filter(pl.col("date").is_between(df["period"].min(), df["period"].max()))
    if marks.is_empty():
        return None
    marks = marks.with_row_index("row").with_columns(dy=pl.col("row") * 14)
    rule = alt.Chart(marks).mark_rule(color=VERMILLION, strokeDash=[4, 3]).encode(x="date:T")
    text = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, color=VERMILLION, baseline="top")
        .encode(x="date:T", y=alt.Y("dy:Q", scale=None), text="label:N")
    )
    return alt.layer(rule, text)


def _period_x(df: pl.DataFrame, grain: str | None) -> alt.X:
    """The time axis, ticked on the grain's boundaries and labelled with the year (two yearly
    points must not get Vega's monthly ticks); Vega's own ticks when no grain is given."""
    if grain is None or df.is_empty():
        return alt.X("period:T", title=None)
    return alt.X("period:T", title=None, axis=charts.time_axis(grain, df["period"].n_unique()))


def _with_marks(chart: alt.TopLevelMixin, df: pl.DataFrame) -> alt.TopLevelMixin:
    marks = _marks(df)
    return chart if marks is None else alt.layer(chart, marks)


def timeliness_lines(
    df: pl.DataFrame, measure: str, *, limit_days: int = 30, grain: str | None = None
) -> alt.LayerChart:
    """Median, 90th percentile and mean days per period for one measure; a rule at the limit."""
    part = df.filter(pl.col("measure") == measure, pl.col("measured") > 0)
    long = part.unpivot(
        index=["period", "measured", "partial"],
        on=["median_days", "p90_days", "mean_days"],
        variable_name="statistic",
        value_name="days",
    ).with_columns(
        pl.col("statistic").replace(
            {"median_days": "median", "p90_days": "90th percentile", "mean_days": "mean"}
        )
    )
    colour = alt.Color(
        "statistic:N",
        scale=alt.Scale(domain=["median", "90th percentile", "mean"],
                        range=[BLUE, ORANGE, GREEN]),
        legend=alt.Legend(title=None, orient="top"),
    )  # fmt: skip
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=_period_x(part, grain),
            y=alt.Y("days:Q", title="Days"),
            color=colour,
            tooltip=[
                alt.Tooltip("period:T"),
                alt.Tooltip("statistic:N"),
                alt.Tooltip("days:Q", format=".1f"),
                alt.Tooltip("measured:Q", format=",", title="letters (n)"),
                alt.Tooltip("partial:N"),
            ],
        )
    )
    rule = (
        alt.Chart(pl.DataFrame({"days": [limit_days]}))
        .mark_rule(color=GREY, strokeDash=[2, 2])
        .encode(y="days:Q")
    )
    return _with_marks(alt.layer(lines, rule), part).properties(height=260)


def share_line(
    df: pl.DataFrame, *, title: str, k: str, n: str, colour: str = BLUE, grain: str | None = None
) -> alt.LayerChart:
    """One share over time with its 95 % Wilson band (e.g. opioid share, share over 30 days)."""
    base = alt.Chart(df).encode(x=_period_x(df, grain))
    band = base.mark_area(opacity=0.2, color=colour).encode(y="ci_low:Q", y2="ci_high:Q")
    line = base.mark_line(color=colour, point=True).encode(
        y=alt.Y("share:Q", axis=alt.Axis(format=PCT, title=title)),
        tooltip=[
            alt.Tooltip("period:T"),
            alt.Tooltip("share:Q", format=".1%"),
            alt.Tooltip("ci_low:Q", format=".1%", title="95% CI low"),
            alt.Tooltip("ci_high:Q", format=".1%", title="95% CI high"),
            alt.Tooltip(f"{k}:Q", format=","),
            alt.Tooltip(f"{n}:Q", format=","),
            alt.Tooltip("partial:N"),
        ],
    )
    return _with_marks(alt.layer(band, line), df).properties(height=240)


def mix_area(df: pl.DataFrame, *, top: int = 8, grain: str | None = None) -> alt.LayerChart:
    """Stacked shares per period; values beyond the `top` largest drawn in one grey layer."""
    order = (
        df.group_by("value").agg(pl.col("decisions").sum()).sort("decisions", descending=True)
    )["value"].to_list()
    keep = order[:top]
    shown = df.with_columns(
        pl.when(pl.col("value").is_in(keep)).then(pl.col("value")).otherwise(pl.lit("Other"))
        .alias("value")
    ).group_by("period", "value", "partial").agg(
        pl.col("decisions").sum(), pl.col("period_decisions").first(), pl.col("share").sum()
    )  # fmt: skip
    domain = keep + (["Other"] if len(order) > top else [])
    palette = [*[*OKABE_ITO, "#999999", "#7F3C8D"][: len(keep)], GREY]
    area = (
        alt.Chart(shown)
        .mark_area()
        .encode(
            x=_period_x(shown, grain),
            y=alt.Y("share:Q", stack="normalize", axis=alt.Axis(format=".0%", title="Share")),
            color=alt.Color("value:N", sort=domain, scale=alt.Scale(domain=domain, range=palette),
                            legend=alt.Legend(title=None, labelLimit=220)),
            order=alt.Order("value_rank:Q"),
            tooltip=[alt.Tooltip("period:T"), alt.Tooltip("value:N"),
                     alt.Tooltip("share:Q", format=".1%"),
                     alt.Tooltip("decisions:Q", format=","),
                     alt.Tooltip("period_decisions:Q", format=",", title="period decisions"),
                     alt.Tooltip("partial:N")],
        )
        .transform_calculate(value_rank=f"indexof({domain!r}, datum.value)")
    )  # fmt: skip
    return _with_marks(area, shown).properties(height=280)


def group_small_multiples(
    series: pl.DataFrame, *, clustered: bool = True, grain: str | None = None
) -> alt.FacetChart:
    """One small panel per group: rate with its (letter-clustered) band; small periods grey."""
    low, high = ("ci_low_clustered", "ci_high_clustered") if clustered else ("ci_low", "ci_high")
    base = alt.Chart(series).encode(x=_period_x(series, grain))
    band = base.mark_area(opacity=0.2, color=BLUE).encode(y=f"{low}:Q", y2=f"{high}:Q")
    axis = alt.Axis(format=PCT, title="Overturn rate")
    line = base.mark_line(color=BLUE).encode(y=alt.Y("rate:Q", axis=axis))
    points = base.mark_point(filled=True).encode(
        y="rate:Q",
        color=alt.condition(alt.datum.small, alt.value(GREY), alt.value(BLUE)),
        tooltip=[
            alt.Tooltip("group:N"),
            alt.Tooltip("period:T"),
            alt.Tooltip("rate:Q", format=".1%"),
            alt.Tooltip(f"{low}:Q", format=".1%", title="95% CI low"),
            alt.Tooltip(f"{high}:Q", format=".1%", title="95% CI high"),
            alt.Tooltip("overturned:Q", format=","),
            alt.Tooltip("decisions:Q", format=",", title="decisions (n)"),
            alt.Tooltip("deff:Q", format=".2f", title="design effect"),
            alt.Tooltip("partial:N"),
        ],
    )
    sizes = series.group_by("group").agg(pl.col("decisions").sum())
    order = sizes.sort([pl.col("group") == OTHER, pl.col("decisions")], descending=[False, True])[
        "group"
    ].to_list()  # largest first, the pooled rest last
    return (
        alt.layer(band, line, points, data=series)
        .properties(width=220, height=140)
        .facet(facet=alt.Facet("group:N", title=None, sort=order), columns=3)
    )


def agreement_heatmap(df: pl.DataFrame) -> alt.LayerChart:
    """Claims administrator source (rows) x reviewer source (columns): rate colour, n text."""
    base = alt.Chart(df).encode(
        x=alt.X("imr:N", title="IMR reviewer cited", axis=alt.Axis(labelAngle=-30,
                                                                  labelLimit=160)),
        y=alt.Y("ca:N", title="Claims administrator cited", axis=alt.Axis(labelLimit=200)),
    )  # fmt: skip
    cells = base.mark_rect().encode(
        color=alt.Color("rate:Q", scale=alt.Scale(scheme="viridis"),
                        legend=alt.Legend(format=".0%", title="Overturn rate")),
        opacity=alt.condition(alt.datum.small, alt.value(0.3), alt.value(1.0)),
        tooltip=[alt.Tooltip("ca:N", title="claims administrator"),
                 alt.Tooltip("imr:N", title="IMR reviewer"),
                 alt.Tooltip("rate:Q", format=".1%", title="overturn rate"),
                 alt.Tooltip("ci_low:Q", format=".1%", title="95% CI low"),
                 alt.Tooltip("ci_high:Q", format=".1%", title="95% CI high"),
                 alt.Tooltip("overturned:Q", format=","),
                 alt.Tooltip("decisions:Q", format=",", title="decisions (n)"),
                 alt.Tooltip("share_of_row:Q", format=".1%", title="share of row")],
    )  # fmt: skip
    rates = df["rate"].drop_nulls()
    middle = (rates.min() + rates.max()) / 2 if rates.len() else 0.5  # viridis turns light
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("decisions:Q", format=","),
        color=alt.condition(alt.datum.rate > middle, alt.value("black"), alt.value("white")),
    )
    return alt.layer(cells, text).properties(height=alt.Step(30))


def funnel(groups: pl.DataFrame, label: str) -> alt.LayerChart:
    """O/E against expected overturns with 95 % and 99.8 % Poisson limits (Spiegelhalter),
    drawn over the groups' range of expected counts."""
    expected = groups["expected"].drop_nulls()
    curve = funnel_curve(expected.min(), expected.max())
    limits = curve.unpivot(index="expected", variable_name="limit", value_name="oe").with_columns(
        level=pl.when(pl.col("limit").str.ends_with("95")).then(pl.lit("95 %"))
        .otherwise(pl.lit("99.8 %")),
        side=pl.col("limit").str.slice(0, 2),
    )  # fmt: skip
    domain = [curve["expected"].min(), curve["expected"].max()]
    x = alt.X(
        "expected:Q",
        scale=alt.Scale(type="log", domain=domain, nice=False),
        title="Expected overturns (log scale)",
    )
    lines = (
        alt.Chart(limits)
        .mark_line(strokeDash=[4, 3])
        .encode(
            x=x,
            y="oe:Q",
            detail="limit:N",
            color=alt.Color("level:N", scale=alt.Scale(domain=["95 %", "99.8 %"],
                                                       range=[ORANGE, VERMILLION]),
                            legend=alt.Legend(title="Limits", orient="top")),
        )
    )  # fmt: skip
    one = alt.Chart(pl.DataFrame({"oe": [1.0]})).mark_rule(color=GREY).encode(y="oe:Q")
    shown = groups.filter(pl.col("oe").is_not_null())
    dots = (
        alt.Chart(shown)
        .mark_circle(size=70, opacity=0.9, clip=True)
        .encode(
            x=x,
            y=alt.Y("oe:Q", title="Observed / expected overturns"),
            color=alt.condition(alt.datum.beyond_noise, alt.value(VERMILLION), alt.value(BLUE)),
            tooltip=[alt.Tooltip("grp:N", title=label),
                     alt.Tooltip("observed:Q", format=","),
                     alt.Tooltip("expected:Q", format=",.1f"),
                     alt.Tooltip("oe:Q", format=".2f", title="O/E"),
                     alt.Tooltip("oe_low:Q", format=".2f", title="95% CI low"),
                     alt.Tooltip("oe_high:Q", format=".2f", title="95% CI high"),
                     alt.Tooltip("decisions:Q", format=","),
                     alt.Tooltip("q_value:Q", format=".3f", title="BH q")],
        )
    )  # fmt: skip
    return alt.layer(lines, one, dots).properties(height=380)


def raw_vs_adjusted(df: pl.DataFrame, label: str) -> alt.LayerChart:
    """Per group: the raw overturn rate and the standardised (adjusted) rate, each with its
    95 % interval, side by side; groups below the minimum n grey."""
    raw = df.select(
        "grp", "decisions", "small", pl.lit("raw").alias("kind"), pl.col("rate").alias("value"),
        pl.col("ci_low").alias("low"), pl.col("ci_high").alias("high"),
    )  # fmt: skip
    adj = df.filter(pl.col("adjusted_rate").is_not_null()).select(
        "grp", "decisions", "small", pl.lit("adjusted for service mix").alias("kind"),
        pl.col("adjusted_rate").alias("value"), pl.col("adjusted_low").alias("low"),
        pl.col("adjusted_high").alias("high"),
    )  # fmt: skip
    long = pl.concat([raw, adj])
    order = df.sort("decisions", descending=True)["grp"].to_list()
    base = alt.Chart(long).encode(
        y=alt.Y("grp:N", sort=order, title=None, axis=alt.Axis(labelLimit=240)),
        yOffset=alt.YOffset("kind:N", sort=["raw", "adjusted for service mix"]),
    )
    colour = alt.Color("kind:N", scale=alt.Scale(domain=["raw", "adjusted for service mix"],
                                                 range=[GREY, BLUE]),
                       legend=alt.Legend(title=None, orient="top"))  # fmt: skip
    # An adjusted rate is O/E x the overall rate and can pass 100 % for a tiny group: the axis
    # stops at 100 % and clamps, so one wild interval does not squash every other group.
    scale = alt.Scale(domain=[0, min(1.0, float(long["high"].max() or 1.0))], clamp=True)
    x = alt.X("value:Q", axis=alt.Axis(format=PCT, title="Overturn rate"), scale=scale)
    whisker = base.mark_rule().encode(x=alt.X("low:Q", scale=scale), x2="high:Q", color=colour)
    dot = base.mark_point(filled=True, size=50).encode(
        x=x,
        color=colour,
        opacity=alt.condition(alt.datum.small, alt.value(0.4), alt.value(1.0)),
        tooltip=[alt.Tooltip("grp:N", title=label), alt.Tooltip("kind:N"),
                 alt.Tooltip("value:Q", format=".1%", title="rate"),
                 alt.Tooltip("low:Q", format=".1%", title="95% CI low"),
                 alt.Tooltip("high:Q", format=".1%", title="95% CI high"),
                 alt.Tooltip("decisions:Q", format=",")],
    )  # fmt: skip
    return alt.layer(whisker, dot).properties(height=alt.Step(14))


def case_outcome_bars(df: pl.DataFrame, *, grain: str | None = None) -> alt.LayerChart:
    """Share of letters fully upheld / partly overturned / fully overturned per period
    (stacked areas: bars on a time axis are too thin to read at a monthly grain)."""
    domain = ["Upheld", "Partially Overturned", "Overturned"]
    bars = (
        alt.Chart(df)
        .mark_area()
        .encode(
            x=_period_x(df, grain),
            y=alt.Y("share:Q", stack="normalize", axis=alt.Axis(format=".0%", title="Letters")),
            color=alt.Color("case_outcome:N", scale=alt.Scale(domain=domain,
                                                              range=[GREY, ORANGE, BLUE]),
                            legend=alt.Legend(title=None, orient="top")),
            order=alt.Order("outcome_rank:Q"),
            tooltip=[alt.Tooltip("period:T"), alt.Tooltip("case_outcome:N"),
                     alt.Tooltip("share:Q", format=".1%"),
                     alt.Tooltip("ci_low:Q", format=".1%", title="95% CI low"),
                     alt.Tooltip("ci_high:Q", format=".1%", title="95% CI high"),
                     alt.Tooltip("letters:Q", format=","),
                     alt.Tooltip("total_letters:Q", format=",", title="letters in period"),
                     alt.Tooltip("partial:N")],
        )
        .transform_calculate(outcome_rank=f"indexof({domain!r}, datum.case_outcome)")
    )  # fmt: skip
    return _with_marks(bars, df).properties(height=240)


def items_per_letter_line(df: pl.DataFrame, *, grain: str | None = None) -> alt.LayerChart:
    """Mean decided items per letter per period."""
    line = (
        alt.Chart(df)
        .mark_line(point=True, color=BLUE)
        .encode(
            x=_period_x(df, grain),
            y=alt.Y("items_per_letter:Q", title="Items per letter", scale=alt.Scale(zero=False)),
            tooltip=[alt.Tooltip("period:T"),
                     alt.Tooltip("items_per_letter:Q", format=".2f", title="items per letter"),
                     alt.Tooltip("letters:Q", format=","),
                     alt.Tooltip("share_multi:Q", format=".1%", title="letters with 2+ items"),
                     alt.Tooltip("partial:N")],
        )
    )  # fmt: skip
    return _with_marks(line, df).properties(height=200)


def clustered_rate_bars(
    df: pl.DataFrame, label: str, *, names: dict[object, str] | None = None
) -> alt.LayerChart:
    """Rate bars (ui.charts.rate_bars) whose whiskers are the letter-clustered interval;
    `names` relabels the groups (e.g. True / False)."""
    bars = df.with_columns(
        pl.col("ci_low_clustered").alias("ci_low"), pl.col("ci_high_clustered").alias("ci_high")
    )
    if names is not None:
        bars = bars.with_columns(pl.col(label).replace_strict(names, return_dtype=pl.String))
    return rate_bars(bars, label, selectable=False, keep_order=True)
