"""Breakdown: overturn rate by category and by reviewer; a click on a bar filters the rest.

The rest (the drill-down, five other dimensions and the specialty x category heat map) sit
in tabs that draw only the open one (`on_change="rerun"`): eight Vega charts at once made
this page's first visit ~2x the others' (~0.1 s of server and ~0.15 s of browser CPU each).
The report still carries every tab (`Report.later` makes the closed ones on download).

The dimension, the minimum n, the clicked bars and the open tab are in the URL (`dim`,
`min_n`, `pick`, `tab`), so a copied link opens the same breakdown with the same selection.
"""

from functools import partial

import streamlit as st

from queries.filters import CHOICE_FIELDS
from queries.vocab import DIMENSIONS, MIN_N
from ui import charts, data, downloads, report, report_button, sidebar, takeaways, urlstate
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
HEAT = "specialty_x_category"  # the heat map's tab in the URL (the others: their dimension)
HEAT_TITLE = "Reviewer specialty × service category"
TAB_TITLES = {  # short, so the row of tabs fits a laptop screen; the heading inside is full
    "service_subcategory": "Subcategory",
    "drug_class": "Drug class",
    "imr_guideline_source": "IMR guideline source",
    "ca_guideline_source": "Claims admin. guideline source",
    "imr_mtus_chapter": "IMR MTUS chapter",
    "reviewer_specialty": "Reviewer specialty",
    "reviewer_state": "Reviewer state",
    HEAT: "Specialty × category",
}

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
# the tabs under the main chart (drawn below): the rest, and the heat map
tab_names = [d for d in (DRILL.get(dim), *OTHERS) if d and d != dim] + [HEAT]
titles = {n: TAB_TITLES[n] for n in tab_names}
tab_of = {t: n for n, t in titles.items()}
urlstate.bind("tab", "bd_tab", lambda raw: titles[urlstate.one_of(tab_names)(raw)], "")
if st.session_state.get("bd_tab") not in tab_of:  # e.g. the dimension changed under it
    st.session_state["bd_tab"] = titles[tab_names[0]]
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


def bar_section(dimension: str, filters, min_n: int) -> report.Section:
    """One dimension's bars and takeaway, as drawn and as the report carries them."""
    df = data.overturn_rate_by(dimension, filters, min_n=min_n, letters=False)
    note = ""
    if dimension == "reviewer_state":
        note = (
            " (n is counted once per listed state: a reviewer licensed in two states counts "
            "each decision twice, so the n add up to more than the decisions)"
        )
    said = takeaways.bars(df, dimension) + note
    n_note = PER_STATE if dimension == "reviewer_state" else ""
    chart = None if df.is_empty() else charts.rate_bars(df, dimension, n_note=n_note)
    return report.Section(DIMENSIONS[dimension], (said,), chart, df)


def heat_section(filters, min_n: int) -> report.Section:
    cells = data.overturn_rate_by(
        "reviewer_specialty", filters, by="service_category", min_n=min_n, letters=False
    )
    heat = charts.heatmap(cells, "service_category", "reviewer_specialty")
    return report.Section(HEAT_TITLE, chart=heat)


def bar_chart(dimension: str, filters, key: str):
    """Draw a dimension's bars (clickable) and add them to the report; the click event."""
    sec = bar_section(dimension, filters, min_n)
    st.markdown(f"**{sec.heading}** - {fmt.md(sec.sentences[0])}")
    rep.add(sec.heading, *sec.sentences, chart=sec.chart, table=sec.table)
    return None if sec.chart is None else draw(sec.chart, on_select="rerun", key=key)


def heat_map() -> None:
    st.markdown(
        f"**{HEAT_TITLE}** - cell colour = overturn rate of decisions; number = decisions (n). "
        f"Grey cells have fewer than {min_n} decisions: not coloured, and not part of the "
        "colour scale."
    )
    draw(rep.add(HEAT_TITLE, chart=heat_section(local, min_n).chart))


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
# The rest in tabs; only the open one runs and draws, the report makes the others.
tabs = st.tabs(list(titles.values()), key="bd_tab", on_change="rerun")
urlstate.publish("tab", "bd_tab", lambda title: [tab_of[title]])
for name, tab in zip(tab_names, tabs, strict=True):
    if not tab.open:
        make = heat_section if name == HEAT else partial(bar_section, name)
        rep.later(partial(make, local, min_n))
        continue
    with tab:
        if name == HEAT:
            heat_map()
        else:
            bar_chart(name, local, f"bd_{name}")
downloads.buttons(local, key="breakdown", note="the decisions these charts count")
report_button.button(rep, key="breakdown")
