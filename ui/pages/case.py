"""Case: one letter in full - header, reviewer, every item with both citations, the source."""

from contextlib import closing

import streamlit as st

from queries import open_db
from queries.source_file import source_file
from ui import data, urlstate
from ui import format as fmt
from ui.common import demo_banner, link_notices

urlstate.bind("case", "case_lookup", urlstate.text, "")  # a link, Back, or the Cases table
case = st.session_state["case_lookup"].strip()
st.title(f"Case {fmt.md(case)}" if case else "Case")
link_notices()
st.text_input("Case number", placeholder="CM16-0213037", key="case_lookup")
urlstate.publish("case", "case_lookup", lambda v: [v.strip()] if v and v.strip() else [])
if not case:
    st.info("Enter a case number, or open a case from the Cases page.")
    st.stop()
letter, items = data.letter(case)
if letter.is_empty():
    st.warning(
        f"No letter with case number or id {fmt.md(repr(case))} in this database: check the "
        "number, or find the letter on the Cases page."
    )
    st.stop()
L = letter.row(0, named=True)
demo_banner({"letters": 1, "demo_letters": int(bool(L.get("is_demo")))})

st.subheader(f"{fmt.md(L['case_outcome'])} - {fmt.count(L['item_count'], 'decisions')}")
c = st.columns(4)
for col, (name, key) in zip(
    c * 2,
    [
        ("Decision date", "decision_date"),
        ("Date assigned", "date_assigned"),
        ("UR denial", "ur_denial_date"),
        ("Application received", "application_received"),
        ("Date of injury", "date_of_injury"),
        ("Priority", "priority"),
        ("Patient", "patient_age"),
        ("Pages", "page_count"),
    ],
    strict=True,
):
    value = L.get(key)
    if key == "patient_age":
        value = " ".join(str(v) for v in (L.get("patient_age"), L.get("patient_sex")) if v)
    col.metric(name, str(value) if value not in (None, "") else "-")
st.markdown(
    f"**Reviewer:** {fmt.md(L['reviewer_specialty'])} - certified in "
    f"{fmt.md(', '.join(L['reviewer_certifications'] or []) or '-')}; licensed in "
    f"{fmt.md(', '.join(L['reviewer_states'] or []) or '-')}"
)
st.caption(
    f"Letter layout {fmt.md(L['layout'])}; parsed by parser version {fmt.md(L['parser_version'])}."
)

for it in items.iter_rows(named=True):
    with st.container(border=True):
        badge = ":orange-badge[Overturned]" if it["overturned"] else ":blue-badge[Upheld]"
        st.markdown(f"**Item {it['item_no']}: {fmt.md(it['service'])}** {badge}")
        if it.get("original_request"):
            st.caption(
                f"Original request: {fmt.md(it['original_request'])}; authorised by the "
                f"claims administrator: {fmt.md(it.get('authorized_portion') or '-')}"
            )
        st.caption(
            " › ".join(
                fmt.md(it[k]) for k in ("service_category", "service_subcategory", "drug_class")
            )
        )
        st.markdown(
            f"*Claims administrator guideline* ({fmt.md(it['ca_guideline_source'])}): "
            f"{fmt.md(it['ca_guideline']) or '-'}  \n*IMR reviewer guideline* "
            f"({fmt.md(it['imr_guideline_source'])}): {fmt.md(it['imr_guideline']) or '-'}"
        )
        st.markdown(fmt.md(it["rationale"]))

with st.expander("Clinical case summary", expanded=False):
    st.markdown(fmt.md(L.get("clinical_summary")) or "-")
with closing(open_db(data.db_path())) as con:  # bytes only if the file is still the one ingested
    source = source_file(con, L["letter_id"])
if source.data is not None:
    st.download_button(
        f"Download source file ({source.name})",
        source.data,
        source.name,
        icon=":material/download:",
        on_click="ignore",
    )
else:
    st.caption(f"Source file {fmt.md(source.name)}: {source.reason}.")
