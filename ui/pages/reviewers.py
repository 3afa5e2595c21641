"""Reviewers: raw and service-mix-adjusted overturn rates, and the funnel plot."""

import streamlit as st

from queries.standardised import FUNNEL_DIMENSIONS
from queries.vocab import DIMENSIONS
from ui import charts_analyses, data, downloads, report_button, sidebar
from ui import takeaways_analyses as takeaways
from ui.common import demo_banner, draw, empty

st.title("Reviewers")
f = sidebar.current()
s = data.summary(f).row(0, named=True)
if empty(s["decisions"]):
    st.stop()
demo_banner(s)
rep = report_button.start("Reviewers", f, s)
dim = st.selectbox("Compare", FUNNEL_DIMENSIONS, format_func=DIMENSIONS.get, key="rv_dim")
label = DIMENSIONS[dim]
groups = data.standardised(f, dim)
said = takeaways.standardised(groups, label)
st.markdown(said)

st.subheader("Raw and adjusted for service mix")
method = takeaways.adjustment_method(groups)
raw = charts_analyses.raw_vs_adjusted(groups, label)
raw = rep.add(f"{label}: raw and adjusted", said, chart=raw, table=groups, note=method)
draw(raw)
st.caption(method)

st.subheader("Funnel plot")
if groups["expected"].drop_nulls().is_empty():
    st.info("No expected overturns to compare against under these filters.")
else:
    draw(rep.add("Funnel plot", chart=charts_analyses.funnel(groups, label)))
    st.caption(
        "Method: each group's observed overturns are divided by those expected from its mix of "
        "service subcategories, and plotted against the expected count with the 95 % and "
        "99.8 % limits a Poisson count would stay inside by chance (Spiegelhalter 2005). Red "
        "dots: beyond noise after Benjamini-Hochberg control of the false discovery rate (5 %) "
        "across the groups, using exact Poisson tests."
    )
downloads.frame_csv(groups, f"imr-standardised-{dim}.csv", key="rv_csv")
report_button.button(rep, key="reviewers")
