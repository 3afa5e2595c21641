"""Mix: what share of decisions each category, subcategory or drug class is, over time."""

import streamlit as st

from queries.mix import PHARMA
from queries.vocab import GRAINS
from ui import charts_analyses, data, downloads, report_button, sidebar
from ui import takeaways_analyses as takeaways
from ui.common import demo_banner, draw, empty

LEVELS = {
    "Service category": ("service_category", None),
    "Subcategory within a category": ("service_subcategory", "pick"),
    f"Drug class within {PHARMA}": ("drug_class", PHARMA),
}

st.title("Mix")
f = sidebar.current()
s = data.summary(f).row(0, named=True)
if empty(s["decisions"]):
    st.stop()
demo_banner(s)
rep = report_button.start("Mix", f, s)
c1, c2, c3 = st.columns([2, 2, 2])
grain = c1.segmented_control("Period", GRAINS, default="year", key="mix_grain") or "year"
choice = c2.selectbox("Share of", list(LEVELS), key="mix_level")
level, within = LEVELS[choice]
if within == "pick":
    within = c3.selectbox("Category", data.filter_options()["service_category"], key="mix_within")
shares = data.mix(f, grain, level, within=within)
if shares.is_empty():
    st.info("No dated decisions of this kind under these filters.")
else:
    area = rep.add(
        f"Share of decisions: {choice}",
        chart=charts_analyses.mix_area(shares, grain=grain),
        table=shares,
    )
    draw(area)
    st.caption(
        "Share of dated decisions per period (the eight largest values; the rest grey). Red "
        f"dashed lines: policy breakpoints. {s['undated_letters']:,} undated letters are left "
        "out. Hover for each share's 95 % interval and n."
    )
    downloads.frame_csv(shares, f"imr-mix-{level}-by-{grain}.csv", key="mix_csv")

st.subheader("Opioid share of pharmaceutical decisions")
opioids = data.opioid_share(f, grain)
if opioids.is_empty():
    st.info(f"No dated {PHARMA.lower()} decisions under these filters.")
else:
    what = "opioid share of pharmaceutical decisions"
    said = takeaways.share_change(opioids, what, grain, "pharma_decisions")
    st.markdown(said)
    line = charts_analyses.share_line(
        opioids,
        title="Opioid share",
        k="opioid_decisions",
        n="pharma_decisions",
        grain=grain,
    )
    draw(rep.add("Opioid share", said, chart=line, table=opioids))
    st.caption("Band: 95 % Wilson interval. DWC reports this share every year.")
    downloads.frame_csv(opioids, f"imr-opioid-share-by-{grain}.csv", key="mix_opioid_csv")
report_button.button(rep, key="mix")
