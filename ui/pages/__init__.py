"""The app's pages, one thin module each; app.py hands this list to st.navigation."""

from pathlib import Path

import streamlit as st

_HERE = Path(__file__).parent


def _page(name: str, title: str, icon: str, *, default: bool = False) -> st.Page:
    url_path = None if default else name  # the default page lives at "/"
    return st.Page(_HERE / f"{name}.py", title=title, icon=icon, url_path=url_path, default=default)


OVERVIEW = _page("overview", "Overview", ":material/monitoring:", default=True)
BREAKDOWN = _page("breakdown", "Breakdown", ":material/bar_chart:")
COMPARE = _page("compare", "Compare", ":material/compare_arrows:")
CASES = _page("cases", "Cases", ":material/table_rows:")
CASE = _page("case", "Case", ":material/description:")
DATA = _page("data", "Data", ":material/database:")
ALL = [OVERVIEW, BREAKDOWN, COMPARE, CASES, CASE, DATA]
