"""Breakdown: overturn rate by category and by reviewer; a click on a bar filters the rest.

The dimension, the minimum n and the clicked bars are in the URL (`dim`, `min_n`, `pick`),
so a copied link opens the same breakdown with the same selection.
"""

import streamlit as st

from queries.filters import CHOICE_FIELDS
from queries.vocab import DIMENSIONS, MIN_N
from ui import charts, data, downloads, report_button, sidebar, takeaways, urlstate
from ui import format as fmt
from ui.common import demo_banner, draw, empty, link_notices, small_data_notice

DRILL = {"service_category": "service_subcategory", "service_subcategory": "drug_class"}
OTHERS = (
    "imr_guideline_source",
    "ca_guideline_source",
    "imr_mtus_chapter",
    "reviewer_specialty",
    "reviewer_state",
)
CHOOSABLE = [d for d in CHOICE_FIELDS if d in DIMENSIONS]
PER_STATE = "per state"  # reviewer_state: a decision counts once for each state listed

st.title("Breakdown")
f = sidebar.current()
s = data.summary(f).row(0, named=True)
urlstate.bind("dim", "bd_dim", urlstate.one_of(CHOOSABLE), "service_category")
urlstate.bind("min_n", "bd_min_n", urlstate.integer(1, 10_000), MIN_N)
c1, c2 = st.columns([3, 1])
dim = c1.selectbox("Break down by", CHOOSABLE, format_func=DIMENSIONS.get, key="bd_dim")
min_n = c2.number_input("Minimum n (decisions) to rank", 1, 10_000, key="bd_min_n")
urlstate.publish("dim", "bd_dim", lambda v: [v])
urlstate.publish("min_n", "bd_min_n", lambda v: [str(v)])
link_pick = urlstate.from_link("pick")
if link_pick is not None:
    choices = data.filter_options().get(dim, [])
    urlstate.keep("bd_pick", (dim, urlstate.subset("pick", choices)(link_pick)))
link_notices()
if empty(s["decisions"]):
    st.stop()
demo_banner(s)
small_data_notice(s)
rep = report_button.start("Breakdown", f, s)


def bar_chart(dimension: str, filters, key: str):
    df = data.overturn_rate_by(dimension, filters, min_n=min_n, letters=False)
    note = ""
    if dimension == "reviewer_state":
        note = (
            " (n is counted once per listed state: a reviewer licensed in two states counts "
            "each decision twice, so the n add up to more than the decisions)"
        )
    said = takeaways.bars(df, dimension) + note
    st.markdown(f"**{DIMENSIONS[dimension]}** - {fmt.md(said)}")
    if df.is_empty():
        return None
    n_note = PER_STATE if dimension == "reviewer_state" else ""
    chart = charts.rate_bars(df, dimension, n_note=n_note)
    rep.add(DIMENSIONS[dimension], said, chart=chart, table=df)
    return draw(chart, on_select="rerun", key=key)


def clear_pick() -> None:
    urlstate.keep("bd_pick", (dim, []))


if "bd_main" not in st.session_state:  # a chart drawn afresh has no click of its own
    urlstate.keep("bd_clicked", [])
event = bar_chart(dim, f, "bd_main")
selection = (event or {}).get("selection", {})  # a VegaLiteState is a dict too
clicked = [p[dim] for p in selection.get(charts.SELECTION) or [] if dim in p]
if clicked != urlstate.keep("bd_clicked", default=[]):  # a click (not a rerun): it wins
    urlstate.keep("bd_pick", (dim, clicked))
urlstate.keep("bd_clicked", clicked)
kept_dim, picked = urlstate.keep("bd_pick", default=(dim, []))
picked = list(picked) if kept_dim == dim else []
urlstate.write("pick", picked)
local = f.replace(**{dim: tuple(picked)}) if picked else f
if picked:
    st.info(
        f"Charts below are filtered to {DIMENSIONS[dim]} = {fmt.md(', '.join(picked))} "
        "(click the bar again, or clear the selection)."
    )
    rep.add("Picked", f"Charts below are filtered to {DIMENSIONS[dim]} = {', '.join(picked)}.")
    st.button("Clear the selection", on_click=clear_pick, key="bd_clear")
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
    "Cell colour = overturn rate of decisions; number = decisions (n). Grey cells have fewer "
    f"than {min_n} decisions: not coloured, and not part of the colour scale."
)
heat = charts.heatmap(cells, "service_category", "reviewer_specialty")
draw(rep.add("Reviewer specialty × service category", chart=heat))
downloads.buttons(local, key="breakdown", note="the decisions these charts count")
report_button.button(rep, key="breakdown")
