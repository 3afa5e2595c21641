"""Compare: two filter sets side by side, with the difference in words for a memo.

The field and both groups are in the URL (`cmp`, `a`, `b`; a period is two dates), so a
copied link opens the same comparison.
"""

from datetime import date

import streamlit as st

from queries.filters import CHOICE_FIELDS, FilterError
from queries.vocab import DIMENSIONS, MIN_N
from ui import charts, data, downloads, figures, report_button, sidebar, urlstate
from ui import format as fmt
from ui.common import demo_banner, draw, link_notices, small_data_notice

PERIOD = "period"
FIELDS = [PERIOD, *(d for d in CHOICE_FIELDS if d in DIMENSIONS)]


def label(name: str) -> str:
    return "Decision period" if name == PERIOD else DIMENSIONS[name]


def span(raw: list[str]) -> tuple[date, date]:
    try:
        first, last = (date.fromisoformat(v) for v in raw)
    except ValueError:
        raise urlstate.BadValue("expected two dates YYYY-MM-DD") from None
    if first > last:
        raise urlstate.BadValue("the first date is after the second")
    return first, last


def side(name: str, tag: str, options: dict[str, list[str]], col) -> dict:
    """The changes this side makes to the sidebar filters."""
    key, url_key = f"cmp_{tag}_{name}", tag.lower()
    if name == PERIOD:
        urlstate.bind(url_key, key, span, figures.compare_spans(*data.data_span())[tag])
        chosen = col.date_input(f"{tag}: decided between", key=key)
        urlstate.publish(url_key, key, lambda v: [d.isoformat() for d in v or ()])
        return {"date_from": chosen[0], "date_to": chosen[-1]} if chosen else {}
    urlstate.bind(url_key, key, urlstate.subset(url_key, options.get(name, [])), [])
    chosen = col.multiselect(f"{tag}: {label(name)}", options.get(name, []), key=key)
    urlstate.publish(url_key, key, list)
    return {name: tuple(chosen)}


st.title("Compare two groups")
f = sidebar.current()
st.caption("Both groups start from the sidebar filters; each side then sets one field.")
urlstate.bind("cmp", "cmp_field", urlstate.one_of(FIELDS), PERIOD)
field = st.selectbox("Compare by", FIELDS, format_func=label, key="cmp_field")
urlstate.publish("cmp", "cmp_field", lambda v: [v])
options = data.filter_options()
ca, cb = st.columns(2)
try:
    a, b = f.replace(**side(field, "A", options, ca)), f.replace(**side(field, "B", options, cb))
except FilterError as exc:
    st.warning(f"That group is not a valid filter: {fmt.md(str(exc))}")
    st.stop()
link_notices()
result = data.compare(a, b)
rows = [data.summary(x).row(0, named=True) for x in (a, b)]
demo_banner(figures.letters_of_both(rows))
small_data_notice({"decisions": min(r["decisions"] for r in rows)})
rep = report_button.start("Compare two groups", f, data.summary(f).row(0, named=True))
for col, tag, r, x in zip((ca, cb), "AB", rows, (a, b), strict=True):
    col.metric(
        f"{tag}: overturn rate (decisions)",
        fmt.pct(r["rate"]),
        help=f"95 % CI {fmt.ci(r['ci_low'], r['ci_high'])}",
    )
    said = (
        f"{fmt.rate_of(r['overturned'], r['decisions'])} in "
        f"{fmt.count(r['letters'], 'letters')}. {x.describe()}."
    )
    col.caption(fmt.md(said))
    rep.add(f"Group {tag}", fmt.rate_with_ci(r["rate"], r["ci_low"], r["ci_high"]), said)
if result.shared:
    st.warning(
        f"The two groups share {fmt.count(result.shared, 'decisions')}: they are not "
        "independent, so no test of a difference is made. Make the groups disjoint (for "
        "example, remove the shared value from one side) to test them.",
        icon=":material/join_inner:",
    )
if result.small:
    st.warning(
        f"Group {' and '.join(result.small)} has fewer than {MIN_N} decisions, the minimum n "
        "Breakdown ranks: its rate is too uncertain for a comparison to say much.",
        icon=":material/warning:",
    )
st.subheader("In words")
st.markdown(fmt.md(result.sentence()))
with st.popover("Copy as plain text", icon=":material/content_copy:"):
    # st.code loads Streamlit's 1.5 MB syntax highlighter: ~1-4 s of browser CPU on this
    # page's first draw when shown at once; inside a popover it loads when opened.
    st.code(result.sentence(), language=None, wrap_lines=True)
if all(r["decisions"] for r in rows):
    both = figures.groups_frame(rows, "AB")
    bars = charts.rate_bars(both, "group", selectable=False, keep_order=True)
    draw(rep.add("In words", result.sentence(), chart=bars, table=both))
else:
    rep.add("In words", result.sentence())

st.subheader("The decisions behind each group")
for tag, x in (("A", a), ("B", b)):
    downloads.buttons(x, key=f"compare_{tag}", note=f"group {tag}", tag=f"group-{tag}")
report_button.button(rep, key="compare")
