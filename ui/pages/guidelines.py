"""Guidelines: the claims administrator's citation against the IMR reviewer's."""

import streamlit as st

from queries.guideline_agreement import LEVELS
from ui import charts_analyses, data, downloads, report_button, sidebar
from ui import takeaways_analyses as takeaways
from ui.common import demo_banner, draw, empty

TITLES = {"source": "Guideline source", "chapter": "MTUS chapter"}

st.title("Guidelines")
f = sidebar.current()
s = data.summary(f).row(0, named=True)
if empty(s["decisions"]):
    st.stop()
demo_banner(s)
rep = report_button.start("Guidelines", f, s)

rates = data.agreement_rates(f)
said = takeaways.agreement(rates)
st.markdown(said)
bars = charts_analyses.clustered_rate_bars(rates, "guideline_agreement")
draw(rep.add("Same or different source", said, chart=bars, table=rates))
st.caption(
    "Same source: the reviewer relied on the source the claims administrator cited (MTUS, ODG, "
    "ACOEM non-MTUS, other). A grouping computed per decision, not a sidebar filter. Whiskers: "
    "95 % interval allowing for items of one letter being alike."
)
downloads.frame_csv(rates, "imr-guideline-agreement-rates.csv", key="gl_rates_csv")

level = st.segmented_control(
    "Cross-tab", list(LEVELS), format_func=TITLES.get, default="source", key="gl_level"
) or "source"  # fmt: skip
table = data.agreement_table(f, level)
st.subheader(f"{TITLES[level]}: claims administrator x IMR reviewer")
heat = charts_analyses.agreement_heatmap(table)
draw(rep.add(f"{TITLES[level]} cross-tab", chart=heat, table=table))
st.caption(
    "Colour: overturn rate of the cell's decisions; number: decisions (n); faded: cells under "
    "the minimum n. Rows: what the claims administrator cited; columns: what the IMR reviewer "
    "relied on ('None cited' / 'none' included). Hover for the 95 % interval and the share of "
    "the row."
)
downloads.frame_csv(table, f"imr-guideline-{level}-crosstab.csv", key="gl_table_csv")
report_button.button(rep, key="guidelines")
