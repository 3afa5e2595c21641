"""The "Download this view as a report" button: pages collect what they draw into a `Report`
(`start` at the top, `Report.add` where a chart is drawn), and `button` offers it as HTML.

The HTML (and its SVG charts, ~0.5 s each) is made only when the button is clicked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from queries.filters import Filters
from ui import data, report, sidebar
from ui import format as fmt


def start(title: str, f: Filters, s: Mapping[str, Any]) -> report.Report:
    """A report of the view under filters `f`, opening with summary row `s`'s figures."""
    return report.Report(
        title=title,
        filters=f.describe(),
        span=fmt.date_span(s.get("first_date"), s.get("last_date")),
        counts=report.headline(s),
        manifest=data.export_manifest(f),
        link=sidebar.url_for(f),
        demo=report.demo_warning(s),
    )


def button(r: report.Report, *, key: str) -> None:
    st.download_button(
        "Download this view as a report",
        lambda: report.html_bytes(r),
        f"imr-report-{key}.html",
        "text/html",
        key=f"{key}_report",
        on_click="ignore",
        icon=":material/summarize:",
        help="One HTML file with this page's charts, numbers, intervals, filters and the "
        "export manifest; opens offline in any browser.",
    )
