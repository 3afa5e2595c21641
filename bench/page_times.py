"""Server-side render time of every page (AppTest: the whole script, queries included).

First load = empty cache (the page runs its queries); warm = best of three reruns (cache
hits). Complements app_memory.py, which times the same pages in a real browser.

    .venv/bin/python bench/page_times.py [--db data/imr.duckdb] [--pages timeliness,mix]

Every page by default, the analyses pages (issue 14) included, each at its default settings.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb
import streamlit as st
from results import append_section, markdown, show
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["overview", "breakdown", "compare", "cases", "case", "data"]
ANALYSES = ["group_trends", "mix", "reviewers", "guidelines", "timeliness", "letters"]


def timed(at: AppTest) -> float:
    started = time.perf_counter()
    at.run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="data/imr.duckdb")
    parser.add_argument("--pages", help="comma-separated subset of: " + ", ".join(PAGES + ANALYSES))
    parser.add_argument("--label", default="", help="a note for the results section")
    args = parser.parse_args()
    pages = args.pages.split(",") if args.pages else PAGES + ANALYSES
    load = os.getloadavg()[0]
    os.environ["IMR_DB"] = args.db
    with duckdb.connect(args.db, read_only=True) as con:
        decisions = con.sql("select count(*) from decisions").fetchall()[0][0]
        case = con.sql(
            "select case_number from letters where case_number is not null "
            "order by case_number limit 1"
        ).fetchall()[0][0]
    # Warm-up: the server's first script run pays Python's imports once per process; what an
    # analyst waits for on a page is its queries and charts (bench/app_memory.py reports the
    # very first visit after a server start separately).
    AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    rows = []
    for page in pages:
        st.cache_data.clear()  # each page's first load pays for its own queries
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        if page == "case":
            at.query_params["case"] = case
        at.switch_page(f"ui/pages/{page}.py")
        cold = timed(at)
        warm = min(timed(at) for _ in range(3))
        failed = bool(at.exception or at.error)
        rows.append([page, f"{cold:.2f}", f"{warm:.2f}", "error" if failed else "ok"])
    columns = ["page", "first load (s)", "warm rerun (s)", "rendered"]
    title = f"Page render times, {Path(args.db).name} ({decisions:,} decisions)" + (
        f" ({args.label})" if args.label else ""
    )
    show(title, columns, rows)
    notes = f"Load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (2 cores)."
    print(notes)
    command = " ".join(["python bench/page_times.py", *sys.argv[1:]])
    append_section(title, command, markdown(columns, rows), notes)


if __name__ == "__main__":
    main()
