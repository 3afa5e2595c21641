"""Cases: the filtered decisions one page at a time, or ranked full-text hits; a row opens it.

Search text, sort and page are in the URL (`search`, `sort`, `desc`, `page`), so a link or
Back from a case returns to the same rows. The sidebar's text filter narrows every page;
this page's search narrows this table further (both must match) and ranks the hits. The
downloads hold exactly the rows this table counts: sidebar filters and the search.
"""

import streamlit as st

from queries.fulltext import match_expression
from queries.vocab import DIMENSIONS, SORT_COLUMNS
from ui import data, downloads, figures, pages, sidebar, urlstate
from ui import format as fmt
from ui.common import demo_banner, empty, link_notices

PAGE_SIZE = 50
HEADERS = {
    **DIMENSIONS,
    **SORT_COLUMNS,
    "case_number": "Case",
    "item_no": "Item",
    "outcome": "Outcome",
    "overturned": "Overturned",
    "partly_authorized": "Partly authorised",
    "case_outcome": "Letter outcome",
    "score": "Relevance",
}
FIRST = ["case_number", "item_no", "decision_date", "outcome", "service", "service_category"]

st.title("Cases")
f = sidebar.current()
urlstate.bind("search", "cases_search", urlstate.text, "")
urlstate.bind("sort", "cases_sort", urlstate.one_of(list(SORT_COLUMNS)), "decision_date")
urlstate.bind("desc", "cases_desc", urlstate.flag, True)
urlstate.bind("page", "cases_page", urlstate.integer(1, 1_000_000), 1)
link_notices()
s = data.summary(f).row(0, named=True)
demo_banner(s)
typed = st.text_input(
    "Search rationales and services",
    placeholder='e.g. "functional restoration" or opioid*',
    key="cases_search",
)
urlstate.publish("search", "cases_search", lambda v: [v] if v else [])
text = typed if match_expression(typed) else ""
if typed and not text:
    st.info(
        f"{fmt.md(repr(typed))} has no word to search for (punctuation and operators are "
        'ignored). Type a word, a "quoted phrase" or a prefix such as opioid*; until then the '
        "table shows every decision matching the filters.",
        icon=":material/search_off:",
    )
if typed != urlstate.keep("cases_last_search", default=typed):
    st.session_state["cases_page"] = 1  # a new search starts on its first page
urlstate.keep("cases_last_search", typed)
shown_f = f.replace(text=" ".join(t for t in (f.text, text) if t)) if text else f
total = data.search_count(text, f) if text else data.decision_count(f)
pages_n = figures.page_count(total, PAGE_SIZE)
st.session_state["cases_page"] = min(st.session_state["cases_page"], pages_n)
c1, c2, c3 = st.columns([2, 1, 1])
sort = c1.selectbox(
    "Sort by",
    list(SORT_COLUMNS),
    format_func=SORT_COLUMNS.get,
    key="cases_sort",
    disabled=bool(text),
    help="Search results are ranked by relevance instead.",
)
descending = c2.toggle("Descending", key="cases_desc", disabled=bool(text))
page = c3.number_input("Page", 1, pages_n, key="cases_page")
urlstate.publish("sort", "cases_sort", lambda v: [v])
urlstate.publish("desc", "cases_desc", lambda v: ["1" if v else "0"])
urlstate.publish("page", "cases_page", lambda v: [str(v)])
offset = figures.page_offset(page, PAGE_SIZE)
if text:
    rows = data.search(text, f, limit=PAGE_SIZE, offset=offset)
    st.caption(
        f"{fmt.count(total, 'decisions')} match {fmt.md(repr(text))} and the filters, best "
        f"first; page {page} of {pages_n}. Select a row to open its letter."
    )
else:
    rows = data.decisions(f, sort=sort, descending=descending, limit=PAGE_SIZE, offset=offset)
    st.caption(
        f"{fmt.count(total, 'decisions')} match the filters; page {page} of {pages_n}. "
        "Select a row to open its letter."
    )
if empty(rows.height):
    st.stop()
order = [c for c in FIRST if c in rows.columns]
order += [c for c in rows.columns if c not in (*order, "snippet", "rationale", "letter_id")]
event = st.dataframe(
    rows,
    column_order=order,
    hide_index=True,
    column_config={
        **{c: HEADERS.get(c, c.replace("_", " ").capitalize()) for c in order},
        "decision_date": st.column_config.DateColumn("Decided"),
        "item_no": st.column_config.NumberColumn("Item", width="small"),
        "outcome": st.column_config.TextColumn("Outcome", width="small"),
        "service": st.column_config.TextColumn("Service", width="large"),
    },
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
            f"**{fmt.md(r['case_number'] or r['letter_id'])}** item {r['item_no']} - "
            f"{fmt.md(r['service'])} ({fmt.md(r['outcome'])}): {fmt.highlighted(r['snippet'])}"
        )
note = "the decisions this table counts (the sidebar filters and the search)"
downloads.buttons(shown_f, key="cases", note=note if text else "the decisions this table counts")
