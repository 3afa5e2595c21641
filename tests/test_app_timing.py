"""Page render times on a real-sized database (opt-in: IMR_BENCH_DB=path/to/imr.duckdb).

The README's table comes from this: every page, first (cold cache) and warm rerun, timed
around AppTest.run(), i.e. the whole server-side script including the queries.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
BENCH_DB = os.environ.get("IMR_BENCH_DB")
PAGES = ["overview", "breakdown", "compare", "cases", "case", "data"]
pytestmark = pytest.mark.skipif(not BENCH_DB, reason="set IMR_BENCH_DB to time the pages")


def timed(at: AppTest) -> float:
    started = time.perf_counter()
    at.run()
    return time.perf_counter() - started


def test_every_page_renders_within_a_second_when_warm(monkeypatch) -> None:
    import duckdb

    monkeypatch.setenv("IMR_DB", BENCH_DB)
    with duckdb.connect(BENCH_DB, read_only=True) as con:
        (case,) = con.sql("select case_number from letters where case_number is not null "
                          "order by case_number limit 1").fetchall()[0]  # fmt: skip
    rows = []
    for page in PAGES:
        st.cache_data.clear()  # each page's first load pays for its own queries
        at = AppTest.from_file(APP, default_timeout=60)
        if page == "case":
            at.query_params["case"] = case
        at.switch_page(f"ui/pages/{page}.py")
        cold = timed(at)
        warm = min(timed(at) for _ in range(3))
        assert not at.exception and not at.error, page
        rows.append((page, cold, warm))
    print("\n| page | first load (s) | warm rerun (s) |\n|---|---|---|")
    for page, cold, warm in rows:
        print(f"| {page} | {cold:.2f} | {warm:.2f} |")
    assert all(warm < 1.0 for _, _, warm in rows), rows
