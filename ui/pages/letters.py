"""Letters: how whole cases end, items per letter, partly authorised vs fully denied."""

import streamlit as st

from queries import partly_vs_denied_difference
from queries.vocab import GRAINS
from ui import charts_analyses, data, downloads, report_button, sidebar
from ui import takeaways_analyses as takeaways
from ui.common import demo_banner, draw, empty

st.title("Letters (cases)")
f = sidebar.current()
s = data.summary(f).row(0, named=True)
if empty(s["decisions"]):
    st.stop()
demo_banner(s)
rep = report_button.start("Letters (cases)", f, s)
st.caption(
    "DWC's overturn rate counts decisions (treatment requests); here the unit is the letter. A "
    "letter counts when any of its decisions match the filters; its outcome and item count are "
    "the whole letter's."
)
said = takeaways.case_outcomes(data.case_outcomes(f), data.items_per_letter(f))
st.markdown(said)
grain = st.segmented_control("Period", GRAINS, default="year", key="lt_grain") or "year"
outcomes = data.case_outcomes(f, grain)
bars = charts_analyses.case_outcome_bars(outcomes, grain=grain)
draw(rep.add("How letters end", said, chart=bars, table=outcomes))
st.caption("Share of letters fully upheld, partly overturned and fully overturned per period.")
downloads.frame_csv(outcomes, f"imr-case-outcomes-by-{grain}.csv", key="lt_outcomes_csv")
items = data.items_per_letter(f, grain)
line = charts_analyses.items_per_letter_line(items, grain=grain)
draw(rep.add("Items per letter", chart=line, table=items))
downloads.frame_csv(items, f"imr-items-per-letter-by-{grain}.csv", key="lt_items_csv")

st.subheader("Partly authorised (UR modified) vs fully denied requests")
rates = data.partly_vs_denied(f)
said = takeaways.partly_vs_denied(rates, partly_vs_denied_difference(rates))
st.markdown(said)
names = {True: "partly authorised", False: "fully denied"}
bars = charts_analyses.clustered_rate_bars(rates, "partly_authorized", names=names)
draw(rep.add("Partly authorised vs fully denied", said, chart=bars, table=rates))
st.caption(
    "Partly authorised: UR approved part of the request and IMR reviewed the rest. Whiskers and "
    "the difference: 95 % intervals allowing for items of one letter being alike."
)
downloads.frame_csv(rates, "imr-partly-vs-denied.csv", key="lt_partly_csv")
report_button.button(rep, key="letters")
