"""Overview: headline figures, the overturn-rate trend with policy breakpoints, top movers."""

import streamlit as st

from queries.vocab import GRAINS, MIN_N
from ui import charts, data, downloads, figures, report_button, sidebar, takeaways, urlstate
from ui import format as fmt
from ui.common import demo_banner, draw, empty, link_notices, small_data_notice

st.title("IMR outcomes")
f = sidebar.current()
s = data.summary(f).row(0, named=True)
urlstate.bind("period", "overview_grain", urlstate.one_of(GRAINS), "quarter")
link_notices()
if empty(s["decisions"]):
    st.stop()
demo_banner(s)
small_data_notice(s)
rep = report_button.start("Overview", f, s)

c = st.columns(4)
c[0].metric("Letters (cases)", f"{s['letters']:,}")
c[1].metric("Decisions (items)", f"{s['decisions']:,}")
c[2].metric(
    "Overturn rate (decisions)",
    fmt.pct(s["rate"]),
    help=f"95 % CI {fmt.ci(s['ci_low'], s['ci_high'])}; "
    f"{fmt.rate_of(s['overturned'], s['decisions'])}",
)
c[3].metric(
    "Demo letters",
    fmt.pct(figures.demo_share(s), 0),
    help=f"{s['demo_letters']:,} of {s['letters']:,} letters are synthetic",
)
st.caption(
    f"Overturn rate {fmt.rate_with_ci(s['rate'], s['ci_low'], s['ci_high'])}: "
    f"{fmt.rate_of(s['overturned'], s['decisions'])}. Decided "
    f"{fmt.date_span(s['first_date'], s['last_date'])} (first to last decision date; "
    f"{fmt.count(s['undated_letters'], 'letters')} carry none)."
)

st.subheader("Overturn rate over time")
grain = st.segmented_control("Period", GRAINS, key="overview_grain") or "quarter"
urlstate.publish("period", "overview_grain", lambda g: [g or "quarter"])
trend = data.trend(grain, f, letters=False)  # the chart counts decisions
sentence = takeaways.trend(trend, grain)
st.markdown(fmt.md(sentence))
if not trend.is_empty():
    rates, volume = charts.trend_chart(trend, grain=grain, line=takeaways.has_trend(trend))
    draw(rep.add("Overturn rate over time", sentence, chart=rates))
    draw(rep.add("Decisions per period", chart=volume, table=trend))
    st.caption(
        "Dashed lines: MTUS Chronic Pain & Opioid update (Dec 2017), MTUS Drug Formulary "
        "(Jan 2018), COVID-19 (2020), where they fall inside the data. Grey bars: decisions "
        "per period. "
        + ("" if takeaways.has_trend(trend) else "Points without a line: too few periods.")
    )

st.subheader("Top movers: service categories, last two decision years")
by_year = data.overturn_rate_by("service_category", f, by="decision_year", letters=False)
moved = takeaways.movers(by_year, "service_category", "decision_year")
if moved.is_empty():
    st.caption(f"Needs two decision years with at least {MIN_N} decisions in a category.")
else:
    rep.add("Top movers: service categories, last two decision years", table=moved.head(8))
    st.dataframe(
        figures.as_percent(moved.head(8), "rate_before", "rate_after"),
        hide_index=True,
        column_config={
            "rate_before": st.column_config.NumberColumn("rate before", format=fmt.PERCENT_COLUMN),
            "rate_after": st.column_config.NumberColumn("rate after", format=fmt.PERCENT_COLUMN),
            "change_points": st.column_config.NumberColumn("change (points)", format="%+.1f"),
            "ci_low_points": st.column_config.NumberColumn("95 % CI from", format="%+.1f"),
            "ci_high_points": st.column_config.NumberColumn("to", format="%+.1f"),
            "q_value": st.column_config.NumberColumn("BH q", format="%.3f"),
            "clear": st.column_config.CheckboxColumn("beyond noise (BH)?"),
            "service_category": "service category",
            "n_before": "decisions before",
            "n_after": "decisions after",
            "periods": "years",
        },
    )
    st.caption(
        "Beyond noise: the change's test (Fisher or chi-square) stays significant after "
        "Benjamini-Hochberg control of the false discovery rate (5 %) across the categories "
        "shown."
    )
downloads.buttons(f, key="overview", note="the decisions this page counts")
report_button.button(rep, key="overview")
