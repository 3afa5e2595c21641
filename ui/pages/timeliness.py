"""Timeliness: days from assignment to decision, and from the UR denial to the application."""

import streamlit as st

from queries.grouping import GROUPINGS
from queries.timeliness import LIMIT_DAYS, MEASURES
from queries.vocab import GRAINS
from ui import charts_analyses, data, downloads, report_button, sidebar
from ui import takeaways_analyses as takeaways
from ui.common import demo_banner, draw, empty, table

st.title("Timeliness")
f = sidebar.current()
s = data.summary(f).row(0, named=True)
if empty(s["decisions"]):
    st.stop()
demo_banner(s)
rep = report_button.start("Timeliness", f, s)
st.caption(
    "DWC's **average age from assigned date** is Decision Date minus Date Assigned; the "
    "**filing window** is Application Received minus UR Denial Date (30 days allowed). Counted "
    "per letter (case). DWC's *age from complete medical records* needs the date the records "
    "arrived, which the letters do not print: it cannot be computed from them, so it is not "
    "shown, and no deadline check is attempted."
)

overall = data.timeliness(f)
for measure, label in MEASURES.items():
    said = takeaways.timeliness(overall, measure)
    st.markdown(f"**{label}** - {said}")
    rep.add(label, said)

c1, c2 = st.columns(2)
grain = c1.segmented_control("Period", GRAINS, default="quarter", key="tl_grain") or "quarter"
measure = c2.selectbox("Measure", list(MEASURES), format_func=MEASURES.get, key="tl_measure")
by_period = data.timeliness(f, grain=grain)
lines = charts_analyses.timeliness_lines(by_period, measure, limit_days=LIMIT_DAYS, grain=grain)
draw(rep.add(f"{MEASURES[measure]} by {grain}", chart=lines, table=by_period))
st.caption(
    f"Lines: median, 90th percentile and mean days per {grain} of the decision date; grey "
    f"rule at {LIMIT_DAYS} days; red dashed lines: policy breakpoints. The first and last "
    "periods may be covered only in part (see the tooltip). Letters without the dates are left "
    "out."
)
downloads.frame_csv(by_period, f"imr-timeliness-by-{grain}.csv", key="tl_csv_period")

st.subheader("By group")
by = st.selectbox(
    "Group by", [g for g in GROUPINGS if g != "decision_year"], format_func=GROUPINGS.get,
    key="tl_by",
)  # fmt: skip
by_group = data.timeliness(f, by=by)
table(
    by_group.filter(by_group["measure"] == measure).drop("measure"),
    {
        "median_days": st.column_config.NumberColumn("Median", format="%.0f"),
        "p90_days": st.column_config.NumberColumn("p90", format="%.0f"),
        "mean_days": st.column_config.NumberColumn("Mean", format="%.1f"),
        "share_over_30": st.column_config.NumberColumn("Share > 30 days", format="percent"),
        "ci_low": st.column_config.NumberColumn("95 % CI from", format="percent"),
        "ci_high": st.column_config.NumberColumn("to", format="percent"),
    },
)
st.caption(
    "A letter counts once in each group its matching decisions fall in (a letter listing "
    "three licensure states counts in each)."
)
downloads.frame_csv(by_group, f"imr-timeliness-by-{by}.csv", key="tl_csv_group")
rep.add(f"By {GROUPINGS[by]}", table=by_group.filter(by_group["measure"] == measure))
report_button.button(rep, key="timeliness")
