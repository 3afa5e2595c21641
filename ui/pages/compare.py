"""Compare: two filter sets side by side, with the difference in words for a memo."""

from datetime import date

import streamlit as st

from queries.filters import CHOICE_FIELDS, FilterError
from queries.vocab import DIMENSIONS
from ui import charts, data, downloads, figures, report_button, sidebar
from ui import format as fmt
from ui.common import demo_banner

PERIOD = "period"
FIELDS = [PERIOD, *(d for d in CHOICE_FIELDS if d in DIMENSIONS)]


def label(name: str) -> str:
    return "Decision period" if name == PERIOD else DIMENSIONS[name]


def side(name: str, tag: str, options: dict[str, list[str]], col) -> dict:
    """The changes this side makes to the sidebar filters."""
    if name == PERIOD:
        default = (
            (date(2017, 1, 1), date(2017, 12, 31))
            if tag == "A"
            else (date(2018, 1, 1), date(2018, 12, 31))
        )
        span = col.date_input(f"{tag}: decided between", default, key=f"cmp_{tag}_period")
        return {"date_from": span[0], "date_to": span[-1]} if span else {}
    chosen = col.multiselect(
        f"{tag}: {label(name)}", options.get(name, []), key=f"cmp_{tag}_{name}"
    )
    return {name: tuple(chosen)}


st.title("Compare two groups")
f = sidebar.current()
st.caption("Both groups start from the sidebar filters; each side then sets one field.")
field = st.selectbox("Compare by", FIELDS, format_func=label, key="cmp_field")
options = data.filter_options()
ca, cb = st.columns(2)
try:
    a, b = f.replace(**side(field, "A", options, ca)), f.replace(**side(field, "B", options, cb))
except FilterError as exc:
    st.error(f"That group is not a valid filter: {exc}")
    st.stop()
result = data.compare(a, b)
rows = [data.summary(x).row(0, named=True) for x in (a, b)]
demo_banner(figures.letters_of_both(rows))
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
    col.caption(said)
    rep.add(f"Group {tag}", fmt.rate_with_ci(r["rate"], r["ci_low"], r["ci_high"]), said)
st.subheader("In words")
st.markdown(result.sentence())
st.code(result.sentence(), language=None, wrap_lines=True)
if all(r["decisions"] for r in rows):
    both = figures.groups_frame(rows, "AB")
    bars = charts.rate_bars(both, "group", selectable=False, keep_order=True)
    st.altair_chart(rep.add("In words", result.sentence(), chart=bars, table=both), width="stretch")
else:
    rep.add("In words", result.sentence())

st.subheader("The decisions behind each group")
for tag, x in (("A", a), ("B", b)):
    st.caption(f"Group {tag}: {x.describe()}")
    downloads.buttons(x, key=f"compare_{tag}")
report_button.button(rep, key="compare")
