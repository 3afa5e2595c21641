"""Download buttons for exactly the decisions a page counts, with the manifest describing them.

The bytes are made only when a button is clicked (a callable `data`), so a page with a
million matching decisions does not build a file nobody asked for on every rerun. File
names carry the view; the CSV can carry a UTF-8 BOM so Excel reads `°`, `®` and `”` right.
"""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from queries.filters import Filters
from ui import data
from ui import format as fmt


def export(f: Filters, fmt_: str, *, bom: bool = False) -> bytes:
    return data.export_bytes(f, fmt_, bom=bom)[0]


def manifest(f: Filters) -> bytes:
    return json.dumps(data.export_manifest(f), indent=2, default=str).encode()


def buttons(f: Filters, *, key: str, note: str, tag: str = "") -> None:
    """CSV, Parquet and manifest downloads of the decisions matching `f`, saying which
    filters the files follow (`note`: what on the page they are the decisions of)."""
    st.caption(
        f"Downloads hold {fmt.md(note)}: {fmt.md(f.describe())} "
        f"({fmt.count(data.decision_count(f), 'decisions')})."
    )
    stem = fmt.file_stem(f, tag=tag)
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1.3])
    bom = c4.checkbox(
        "CSV for Excel (UTF-8 BOM)",
        True,
        key=f"{key}_bom",
        help="Adds the byte-order mark Excel needs to read accents and symbols as UTF-8.",
    )
    c1.download_button(
        "Download CSV",
        lambda: export(f, "csv", bom=bom),
        f"{stem}.csv",
        "text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    c2.download_button(
        "Download Parquet",
        lambda: export(f, "parquet"),
        f"{stem}.parquet",
        "application/vnd.apache.parquet",
        key=f"{key}_parquet",
        on_click="ignore",
    )
    c3.download_button(
        "Manifest (JSON)",
        lambda: manifest(f),
        f"{stem}.manifest.json",
        "application/json",
        key=f"{key}_manifest",
        on_click="ignore",
    )


def frame_csv(df: pl.DataFrame, filename: str, *, key: str, label: str = "Download CSV") -> None:
    """A CSV of exactly the frame a chart or table on the page shows."""
    st.download_button(
        label,
        lambda: df.write_csv().encode(),
        filename,
        "text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )
