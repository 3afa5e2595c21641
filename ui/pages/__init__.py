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
TIMELINESS = _page("timeliness", "Timeliness", ":material/schedule:")
MIX = _page("mix", "Mix", ":material/stacked_line_chart:")
GROUP_TRENDS = _page("group_trends", "Trends by group", ":material/grid_view:")
GUIDELINES = _page("guidelines", "Guidelines", ":material/menu_book:")
REVIEWERS = _page("reviewers", "Reviewers", ":material/groups:")
LETTERS = _page("letters", "Letters", ":material/mail:")
DATA = _page("data", "Data", ":material/database:")
ALL = [OVERVIEW, BREAKDOWN, GROUP_TRENDS, MIX, REVIEWERS, GUIDELINES, TIMELINESS, LETTERS,
       COMPARE, CASES, CASE, DATA]  # fmt: skip
