"""Data: what the database covers, what failed to ingest and why, and an upload box."""

import polars as pl
import streamlit as st

from ingest.model import PARSER_VERSION
from queries.filters import Filters
from ui import data, upload
from ui import format as fmt

st.title("Data")
everything = Filters()
s = data.call("summary", everything).row(0, named=True)
c = st.columns(5)
c[0].metric("Letters (cases)", f"{s['letters']:,}")
c[1].metric("Decisions (items)", f"{s['decisions']:,}")
c[2].metric("Decided", fmt.date_span(s["first_date"], s["last_date"]))
c[3].metric("Demo / real letters", f"{s['demo_letters']:,} / {s['letters'] - s['demo_letters']:,}")
c[4].metric("Parser version", PARSER_VERSION)
st.caption(
    f"{fmt.count(s['undated_letters'], 'letters')} carry no decision date (copies without "
    f"the header block). Database: `{data.db_path()}`."
)

st.subheader("Letter layouts")
layouts = data.call("overturn_rate_by", "layout", everything, min_n=0)
st.dataframe(layouts.select("layout", "letters", "decisions"), hide_index=True)

st.subheader("Classification coverage")
cov = data.coverage()
if cov is None:
    st.caption("The coverage report (ingest.coverage) is not installed in this build.")
for name, part in cov.items() if isinstance(cov, dict) else [("", cov)] if cov is not None else []:
    if name:
        st.markdown(f"**{name.replace('_', ' ').capitalize()}**")
    if isinstance(part, pl.DataFrame):
        st.dataframe(part, hide_index=True)
    else:
        st.write(part)

st.subheader("Quarantined files")
quarantined = data.call("quarantined")
if quarantined.is_empty():
    st.caption("No file has failed to ingest.")
else:
    st.markdown(f"{fmt.count(quarantined.height, 'files')} could not be ingested; reasons:")
    st.dataframe(
        quarantined.group_by("reason").len("files").sort("files", descending=True), hide_index=True
    )
    st.dataframe(quarantined, hide_index=True)

st.subheader("Add letters")
files = st.file_uploader(
    "IMR final determination letters (PDF or TXT)",
    type=upload.SUFFIXES,
    accept_multiple_files=True,
    max_upload_size=upload.MAX_UPLOAD_MB,
)
if files and st.button("Ingest these files", type="primary"):
    with st.spinner("Ingesting…"):
        run = upload.ingest([(x.name, x.getvalue()) for x in files], data.db_path())
    st.success(
        f"Added {run.added}, skipped {run.skipped} already known, "
        f"{run.duplicates} duplicates, {len(run.quarantined)} quarantined."
    )
    for failed in run.quarantined:
        st.warning(f"{failed.path}: {failed.reason}")
