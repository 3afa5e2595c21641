"""Page controls mirrored in the URL, so a copied link (or Back) shows the same view.

Each control a page draws is `bound` to one URL key before it is drawn and `published` after:

- a URL value this session did not write itself (a pasted link, a new tab, browser Back) is
  parsed into the widget; a value that does not parse is dropped alone, named in a notice;
- with no URL value (the page was opened from the navigation, which clears the URL), the
  widget keeps what it last had on this page, even though Streamlit forgets the state of
  widgets a run did not draw;
- after drawing, the widget's value is written back, always (the default too), so a link
  names every choice and Back restores it.

The sidebar filters use the same rules through `queries.filters` (ui/sidebar.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

# URL keys pages own; every other key is a sidebar filter (queries/vocabulary.toml url_keys).
PAGE_KEYS = (
    "case",  # Case page
    "period",  # Overview: month / quarter / year
    "dim", "min_n", "pick", "tab",  # Breakdown: dimension, minimum n, clicked bars, open tab
    "cmp", "a", "b",  # Compare: the field, group A's values, group B's values
    "search", "sort", "desc", "page",  # Cases
)  # fmt: skip
_WRITTEN = "_url_written"  # URL key -> the values this session last wrote
_KEPT = "_url_kept"  # widget key -> its value the last time the page drew it
_DROPPED = "_url_dropped"  # notices for values a link carried that could not be used

Parse = Callable[[list[str]], Any]


class BadValue(ValueError):
    """A URL value a control cannot take; the message says why (shown to the reader)."""


def _written() -> dict[str, list[str]]:
    return st.session_state.setdefault(_WRITTEN, {})


def _kept() -> dict[str, Any]:
    return st.session_state.setdefault(_KEPT, {})


def url_values(key: str) -> list[str]:
    return list(st.query_params.get_all(key))


def from_link(key: str) -> list[str] | None:
    """The URL's values for `key` when this session did not write them (else None)."""
    raw = url_values(key)
    if raw and raw != _written().get(key):
        return raw
    return None


def drop(message: str) -> None:
    """Remember a link value that was not used (the message names it), for `notices()`."""
    st.session_state.setdefault(_DROPPED, []).append(message)


def named(key: str, raw: Sequence[str], why: str) -> str:
    return f"{key}={', '.join(raw)!r}: {why}"


def bind(url_key: str, widget_key: str, parse: Parse, default: Any) -> None:
    """Before drawing the widget `widget_key`: load a link's value, or what it last had."""
    state = st.session_state
    raw = from_link(url_key)
    if raw is not None:
        try:
            state[widget_key] = parse(raw)
            return
        except BadValue as exc:
            drop(named(url_key, raw, str(exc)))
    if widget_key not in state:
        state[widget_key] = _kept().get(widget_key, default)


def publish(url_key: str, widget_key: str, as_url: Callable[[Any], list[str]]) -> None:
    """After drawing: remember the widget's value and write it to the URL."""
    value = st.session_state.get(widget_key)
    _kept()[widget_key] = value
    write(url_key, as_url(value))


def write(url_key: str, values: list[str]) -> None:
    """Put `values` in the URL under `url_key` (none: remove the key)."""
    _written()[url_key] = list(values)
    if url_values(url_key) == list(values):
        return
    if values:
        st.query_params[url_key] = values if len(values) > 1 else values[0]
    elif url_key in st.query_params:
        del st.query_params[url_key]


def keep(name: str, value: Any = None, *, default: Any = None) -> Any:
    """A page value that is not a widget (e.g. the clicked bars), kept across pages."""
    if value is not None:
        _kept()[name] = value
    return _kept().get(name, default)


def notices() -> list[str]:
    """The link values dropped on this run (each once)."""
    return st.session_state.pop(_DROPPED, [])


# Parsers for the usual controls -----------------------------------------------------------


def one_of(choices: Sequence[str]) -> Parse:
    def parse(raw: list[str]) -> str:
        if len(raw) != 1 or raw[0] not in choices:
            raise BadValue(f"expected one of {', '.join(choices)}")
        return raw[0]

    return parse


def integer(low: int, high: int) -> Parse:
    def parse(raw: list[str]) -> int:
        try:
            value = int(raw[0]) if len(raw) == 1 else None
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise BadValue(f"expected a whole number from {low:,} to {high:,}")
        return value

    return parse


def flag(raw: list[str]) -> bool:
    if len(raw) == 1 and raw[0].lower() in ("1", "true", "yes"):
        return True
    if len(raw) == 1 and raw[0].lower() in ("0", "false", "no"):
        return False
    raise BadValue("expected 1 or 0")


def text(raw: list[str]) -> str:
    if len(raw) != 1 or len(raw[0]) > 500:
        raise BadValue("expected one text of at most 500 characters")
    return raw[0]


def subset(key: str, choices: Sequence[str]) -> Parse:
    """Values that must each be among `choices`; a bad one is dropped alone and named."""

    def parse(raw: list[str]) -> list[str]:
        good = [v for v in raw if v in choices]
        bad = [v for v in raw if v not in choices]
        if bad:
            drop(named(key, bad, "not a value this data has"))
        return good

    return parse
