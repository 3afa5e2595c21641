"""Cases: the filtered decisions one page at a time, or ranked full-text hits; a row opens it."""

import streamlit as st

from queries.vocab import SORT_COLUMNS
from ui import data, downloads, figures, pages, sidebar
from ui import format as fmt
from ui.common import empty

PAGE_SIZE = 50

st.title("Cases")
f = sidebar.current()
text = st.text_input(
    "Search rationales and services",
    st.query_params.get("search", ""),
    placeholder='e.g. "functional restoration" or opioid*',
    key="cases_search",
)
if text:
    st.query_params["search"] = text
elif "search" in st.query_params:
    del st.query_params["search"]
total = data.search_count(text, f) if text else data.decision_count(f)
c1, c2, c3 = st.columns([2, 1, 1])
sort = c1.selectbox(
    "Sort by",
    list(SORT_COLUMNS),
    format_func=SORT_COLUMNS.get,
    key="cases_sort",
    disabled=bool(text),
)
descending = c2.toggle("Descending", True, key="cases_desc", disabled=bool(text))
pages_n = figures.page_count(total, PAGE_SIZE)
page = c3.number_input("Page", 1, pages_n, 1, key="cases_page")
offset = figures.page_offset(page, PAGE_SIZE)
if text:
    rows = data.search(text, f, limit=PAGE_SIZE, offset=offset)
    st.caption(
        f"{fmt.count(total, 'decisions')} match {text!r} and the filters, best first; "
        f"page {page} of {pages_n}."
    )
else:
    rows = data.decisions(f, sort=sort, descending=descending, limit=PAGE_SIZE, offset=offset)
    st.caption(
        f"{fmt.count(total, 'decisions')} match the filters; page {page} of {pages_n}. "
        "Select a row to open its letter."
    )
if empty(rows.height):
    st.stop()
shown = [c for c in rows.columns if c not in ("snippet", "rationale", "letter_id")]
event = st.dataframe(
    rows,
    column_order=shown,
    hide_index=True,
    column_config={"decision_date": st.column_config.DateColumn("decision date")},
    on_select="rerun",
    selection_mode="single-row",
    key=f"cases_table_{text}_{page}",
)
if event.selection.rows:
    row = rows.row(event.selection.rows[0], named=True)
    st.switch_page(pages.CASE, query_params={"case": row.get("case_number") or row["letter_id"]})
if text and "snippet" in rows.columns:
    st.subheader("Matches in context")
    for r in rows.head(10).iter_rows(named=True):
        st.markdown(
            f"**{r['case_number'] or r['letter_id']}** item {r['item_no']} - "
            f"{fmt.md(r['service'])} ({r['outcome']}): …{fmt.md(r['snippet'])}…"
        )
downloads.buttons(f, key="cases")
