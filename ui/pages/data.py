"""Data: what the database covers, what failed to ingest and why, and an upload box."""

import streamlit as st

from ingest.model import PARSER_VERSION
from queries.filters import Filters
from ui import data, figures, takeaways_analyses
from ui import format as fmt
from ui.agreement import render_agreement
from ui.common import demo_banner, upload_box

st.title("Data")
st.caption("The whole database: the sidebar filters do not apply on this page.")
everything = Filters()
s = data.summary(everything).row(0, named=True)
demo_banner(s)
c = st.columns(4)
c[0].metric("Letters (cases)", f"{s['letters']:,}")
c[1].metric("Decisions (items)", f"{s['decisions']:,}")
c[2].metric("Demo / real letters", f"{s['demo_letters']:,} / {figures.real_letters(s):,}")
versions = data.parser_versions()
older = figures.older_parser_letters(versions, PARSER_VERSION)
c[3].metric(
    "Parser version",
    PARSER_VERSION,
    help="Version of the parser in this code; letters parsed by an older one are re-parsed "
    "by the next `imr ingest` of their files.",
)
if older:
    st.warning(
        f"{fmt.count(older, 'letters')} were parsed by an older parser version: run `imr ingest` "
        "on their folders again to re-parse them."
    )
st.caption(
    f"Decided {fmt.date_span(s['first_date'], s['last_date'])}; "
    f"{fmt.count(s['undated_letters'], 'letters')} carry no decision date (copies without "
    f"the header block). Database: {fmt.md(data.db_path())}."
)

st.subheader("Letters as clusters (design effect)")
clustered = data.clustered_rate_by(everything).row(0, named=True)
st.markdown(takeaways_analyses.design_effect(clustered))
st.caption(
    "Items of one letter share a reviewer and a patient, so they are not independent. The "
    "Trends by group, Guidelines and Letters pages widen their intervals by each group's own "
    "design effect (linearised variance of a ratio estimator, letters as clusters); METHODS.md "
    "has the formulas and references."
)

st.subheader("Letter layouts")
layouts = data.overturn_rate_by("layout", everything, min_n=0)
st.dataframe(layouts.select("layout", "letters", "decisions"), hide_index=True)

st.subheader("Classification coverage")
cov = data.coverage()
st.markdown("Share of decisions the taxonomy classifies, per field (the rest is `Unclassified`):")
st.dataframe(
    figures.as_percent(cov.shares, "share"),
    hide_index=True,
    column_config={"share": st.column_config.NumberColumn(format=fmt.PERCENT_COLUMN)},
)
st.markdown("Commonest unclassified strings - the rules to add next:")
st.dataframe(cov.unclassified, hide_index=True)

st.subheader("Quarantined files")
quarantined = data.quarantined()
if quarantined.is_empty():
    st.caption("No file has failed to ingest.")
else:
    st.markdown(f"{fmt.count(quarantined.height, 'files')} could not be ingested; reasons:")
    st.dataframe(figures.quarantine_reasons(quarantined), hide_index=True)
    st.dataframe(quarantined, hide_index=True)

render_agreement()

upload_box()
