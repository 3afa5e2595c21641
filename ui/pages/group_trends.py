"""Trends by group: the overturn rate of the largest groups of a dimension, one panel each."""

import streamlit as st

from queries import trend_changes
from queries.grouping import GROUPINGS
from queries.vocab import GRAINS, MIN_N
from ui import charts_analyses, data, downloads, report_button, sidebar
from ui import takeaways_analyses as takeaways
from ui.common import demo_banner, draw, empty, table

CHOOSABLE = [g for g in GROUPINGS if g not in ("decision_year", "is_demo")]

st.title("Trends by group")
f = sidebar.current()
s = data.summary(f).row(0, named=True)
if empty(s["decisions"]):
    st.stop()
demo_banner(s)
rep = report_button.start("Trends by group", f, s)
c1, c2, c3 = st.columns([3, 2, 1])
dim = c1.selectbox("Group by", CHOOSABLE, format_func=GROUPINGS.get, key="gt_dim")
grain = c2.segmented_control("Period", GRAINS, default="year", key="gt_grain") or "year"
k = c3.number_input("Groups", 1, 12, 6, key="gt_k")
series = data.group_trend(f, dim, grain, k=k)
changes = trend_changes(series)
said = takeaways.group_changes(changes, grain)
st.markdown(said)
panels = charts_analyses.group_small_multiples(series, grain=grain)
draw(rep.add(f"By {GROUPINGS[dim]}", said, chart=panels, table=changes))
st.caption(
    f"The {k} largest groups by dated decisions; the rest pooled as 'Other groups'. Band: 95 % "
    "interval allowing for items of one letter being alike (letter-clustered); grey points: "
    f"periods with fewer than {MIN_N} decisions. 'Beyond noise' compares the first and last "
    "complete periods with a letter-clustered test and controls the false discovery rate "
    "across the groups (Benjamini-Hochberg, 5 %)."
)
downloads.frame_csv(
    series, f"imr-trend-by-{dim}-{grain}.csv", key="gt_csv", label="Download the series (CSV)"
)
table(
    changes,
    {
        "first_rate": st.column_config.NumberColumn("First rate", format="percent"),
        "last_rate": st.column_config.NumberColumn("Last rate", format="percent"),
        "change": st.column_config.NumberColumn("Change", format="percent"),
        "ci_low": st.column_config.NumberColumn("95 % CI from", format="percent"),
        "ci_high": st.column_config.NumberColumn("to", format="percent"),
        "q_value": st.column_config.NumberColumn("BH q", format="%.3f"),
        "beyond_noise": st.column_config.CheckboxColumn("Beyond noise (BH)?"),
    },
    grain=grain,
)
downloads.frame_csv(
    changes, f"imr-trend-changes-by-{dim}.csv", key="gt_changes_csv",
    label="Download the changes (CSV)",
)  # fmt: skip
report_button.button(rep, key="group_trends")
