"""Download buttons for exactly the filtered decisions, with the manifest that describes them.

The bytes are made only when a button is clicked (a callable `data`), so a page with a
million matching decisions does not build a file nobody asked for on every rerun.
"""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from queries.filters import Filters
from ui import data


def export(f: Filters, fmt: str) -> bytes:
    return data.export_bytes(f, fmt)[0]


def manifest(f: Filters) -> bytes:
    return json.dumps(data.export_manifest(f), indent=2, default=str).encode()


def buttons(f: Filters, *, key: str) -> None:
    """CSV, Parquet and manifest downloads of the decisions matching `f`."""
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        "Download CSV",
        lambda: export(f, "csv"),
        "imr-decisions.csv",
        "text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    c2.download_button(
        "Download Parquet",
        lambda: export(f, "parquet"),
        "imr-decisions.parquet",
        "application/vnd.apache.parquet",
        key=f"{key}_parquet",
        on_click="ignore",
    )
    c3.download_button(
        "Manifest (JSON)",
        lambda: manifest(f),
        "imr-decisions.manifest.json",
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
