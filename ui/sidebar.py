"""One sidebar of filters for every page, mirrored in the URL so a link reproduces the view.

The URL is read into the widgets only when it carries filters the widgets have not produced
themselves (a pasted link, a new tab); page navigation clears the URL, and the widgets then
write it back. Parsing and validation belong to `queries.filters`; this module only draws.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from queries.filters import BOOL_FIELDS, CHOICE_FIELDS, FilterError, Filters
from queries.vocab import DIMENSIONS, FIXED_VALUES
from ui import dates, urlstate
from ui.format import md
from ui.urlstate import PAGE_KEYS

MAIN_CHOICES = ("service_category", "service_subcategory", "drug_class", "reviewer_specialty")
TRISTATE = {"any": None, "yes": True, "no": False}
_SYNCED = "_filters_synced"  # the filter part of the URL as the widgets last wrote it
# "More filters" (14 of the sidebar's 21 widgets) is drawn only while open: the browser
# builds every widget of a collapsed expander, ~1/3 of a bare Streamlit page's CPU again.
MORE = "flt_more"
_OPEN_AT_START = "_more_filters_open_at_start"
MORE_CHOICES = tuple(n for n in CHOICE_FIELDS if n not in MAIN_CHOICES)
MORE_KEYS = (*MORE_CHOICES, *BOOL_FIELDS, "text")


def _key(name: str) -> str:
    return f"flt_{name}"


def filter_params(params: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The part of the URL that is filters (pages own a few keys such as `case`)."""
    return {k: v for k, v in params.items() if k not in PAGE_KEYS}


def _load_into_widgets(f: Filters) -> None:
    st.session_state[_key("date_from")] = f.date_from.isoformat() if f.date_from else ""
    st.session_state[_key("date_to")] = f.date_to.isoformat() if f.date_to else ""
    for name in CHOICE_FIELDS:
        st.session_state[_key(name)] = list(getattr(f, name))
    for name in BOOL_FIELDS:
        value = getattr(f, name)
        st.session_state[_key(name)] = next(k for k, v in TRISTATE.items() if v is value)
    st.session_state[_key("text")] = f.text or ""


def _sync_from_url(options: Mapping[str, list[str]]) -> None:
    url = filter_params({k: st.query_params.get_all(k) for k in st.query_params})
    if not url or url == st.session_state.get(_SYNCED):
        return
    f, problems = Filters.from_link(url, options)
    for problem in problems:
        urlstate.drop(problem)
    _load_into_widgets(f)


def _choices(name: str, options: Mapping[str, list[str]]) -> list[str]:
    values = list(options.get(name) or FIXED_VALUES.get(name, ()))
    chosen = st.session_state.get(_key(name)) or []
    return values + [v for v in chosen if v not in values]


def _multiselect(name: str, options: Mapping[str, list[str]]) -> tuple[str, ...]:
    label = DIMENSIONS.get(name, name)
    return tuple(st.multiselect(label, _choices(name, options), key=_key(name)))


def _widgets(options: Mapping[str, list[str]]) -> dict[str, object]:
    values: dict[str, object] = {}
    # Text fields, one per row: they apply on Enter (a date picker applies only on blur)
    # and show a whole date at any sidebar width. `2016` or `2016-03` mean the whole period.
    for name, label, end in (("date_from", "Decided from", False), ("date_to", "Decided to", True)):
        st.session_state.setdefault(_key(name), "")
        typed = st.text_input(
            label, key=_key(name), placeholder="YYYY-MM-DD, YYYY-MM or YYYY",
            help="Press Enter to apply. A year or a month means all of it.",
        )  # fmt: skip
        try:
            values[name] = dates.parse(typed, end=end)
        except ValueError as exc:
            st.warning(f"{label}: {md(repr(typed))} {exc}; this date is not applied.")
            values[name] = None
    for name in MAIN_CHOICES:
        values[name] = _multiselect(name, options)
    opened = st.session_state.setdefault(_OPEN_AT_START, _any_more())  # fixed for the session
    more = st.expander("More filters", expanded=opened, key=MORE, on_change="rerun")
    if more.open is False:  # closed: its widgets are not drawn, their values still apply
        values |= {name: tuple(st.session_state.get(_key(name)) or ()) for name in MORE_CHOICES}
        values |= {n: TRISTATE[st.session_state.get(_key(n)) or "any"] for n in BOOL_FIELDS}
        values["text"] = st.session_state.get(_key("text")) or ""
        return values
    with more:
        for name in MORE_CHOICES:
            values[name] = _multiselect(name, options)
        for name in BOOL_FIELDS:
            choice = st.selectbox(DIMENSIONS[name], list(TRISTATE), key=_key(name))
            values[name] = TRISTATE[choice]
        values["text"] = st.text_input("Service or rationale contains", key=_key("text"))
    return values


def _any_more() -> bool:
    """Open "More filters" at first when one of them is set (a pasted link), so it shows.
    Decided once per session: `expanded` is part of the expander's identity, so a value that
    changed with the filters would close it under the analyst's hand."""
    return any(st.session_state.get(_key(n)) not in (None, "", [], (), "any") for n in MORE_KEYS)


def _keep_more() -> None:
    """Streamlit forgets a widget's value on a run that does not draw it, and the More filters'
    widgets are drawn only while their expander is open: carry their values as session state.
    """
    for name in MORE_KEYS:
        if _key(name) in st.session_state:
            st.session_state[_key(name)] = st.session_state[_key(name)]


def _reset() -> None:
    _load_into_widgets(Filters())


def render(options: Mapping[str, list[str]]) -> Filters:
    """Draw the filters, keep the URL in step, and return the validated Filters."""
    _keep_more()
    _sync_from_url(options)
    with st.sidebar:
        st.header("Filters")
        values = _widgets(options)
        st.button("Reset filters", on_click=_reset, width="stretch")
    try:
        f = Filters(**values).validate(options)
    except FilterError as exc:
        st.sidebar.warning(f"{md(str(exc))}: the dates are not applied.")
        f = Filters(**{**values, "date_from": None, "date_to": None}).validate(options)
    _write_url(f)
    st.session_state["filters"] = f
    return f


def _write_url(f: Filters) -> None:
    wanted = {k: [v] if isinstance(v, str) else v for k, v in f.to_query_params().items()}
    current = filter_params({k: st.query_params.get_all(k) for k in st.query_params})
    if current != wanted:
        pages = {k: st.query_params.get_all(k) for k in st.query_params if k in PAGE_KEYS}
        st.query_params.from_dict({**pages, **wanted})
    st.session_state[_SYNCED] = wanted


def current() -> Filters:
    """The filters the sidebar produced on this run (pages call this)."""
    return st.session_state.get("filters", Filters())


def url_for(f: Filters) -> str:
    """The query string that reproduces `f` (for links in memos)."""
    from urllib.parse import urlencode

    return urlencode(f.to_query_params(), doseq=True)
