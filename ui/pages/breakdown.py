"""Breakdown: overturn rate by category and by reviewer; a click on a bar filters the rest."""

import streamlit as st

from queries.filters import CHOICE_FIELDS
from queries.vocab import DIMENSIONS, MIN_N
from ui import charts, data, downloads, report_button, sidebar, takeaways
from ui.common import demo_banner, empty

DRILL = {"service_category": "service_subcategory", "service_subcategory": "drug_class"}
OTHERS = (
    "imr_guideline_source",
    "ca_guideline_source",
    "imr_mtus_chapter",
    "reviewer_specialty",
    "reviewer_state",
)
CHOOSABLE = [d for d in CHOICE_FIELDS if d in DIMENSIONS]

st.title("Breakdown")
f = sidebar.current()
s = data.summary(f).row(0, named=True)
if empty(s["decisions"]):
    st.stop()
demo_banner(s)
rep = report_button.start("Breakdown", f, s)
c1, c2 = st.columns([3, 1])
dim = c1.selectbox("Break down by", CHOOSABLE, format_func=DIMENSIONS.get, key="bd_dim")
min_n = c2.number_input("Minimum n (decisions) to rank", 1, 10_000, MIN_N, key="bd_min_n")


def bar_chart(dimension: str, filters, key: str):
    df = data.overturn_rate_by(dimension, filters, min_n=min_n, letters=False)
    said = takeaways.bars(df, dimension)
    st.markdown(f"**{DIMENSIONS[dimension]}** - {said}")
    if df.is_empty():
        return None
    chart = rep.add(DIMENSIONS[dimension], said, chart=charts.rate_bars(df, dimension), table=df)
    return st.altair_chart(chart, width="stretch", on_select="rerun", key=key)


event = bar_chart(dim, f, "bd_main")
selection = (event or {}).get("selection", {})  # a VegaLiteState is a dict too
picked = [p[dim] for p in selection.get(charts.SELECTION) or [] if dim in p]
local = f.replace(**{dim: tuple(picked)}) if picked else f
if picked:
    below = f"Charts below are filtered to {DIMENSIONS[dim]} = {', '.join(picked)}"
    st.info(f"{below} (click the bar again to clear).")
    rep.add("Picked", below + ".")
for other in [d for d in (DRILL.get(dim), *OTHERS) if d and d != dim]:
    bar_chart(other, local, f"bd_{other}")

st.subheader("Reviewer specialty × service category")
cells = data.overturn_rate_by(
    "reviewer_specialty",
    local,
    by="service_category",
    min_n=min_n,
    letters=False,
)
st.markdown(
    "Cell colour = overturn rate of decisions; number = decisions (n); faded cells are "
    f"below n = {min_n}."
)
heat = charts.heatmap(cells, "service_category", "reviewer_specialty")
st.altair_chart(rep.add("Reviewer specialty × service category", chart=heat), width="stretch")
downloads.buttons(local, key="breakdown")
report_button.button(rep, key="breakdown")
