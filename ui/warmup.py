"""Warm every page's default queries once per server process, so a page's first visit is warm.

An analyst opens the app on one page and then clicks through the others; each page's first
visit used to run its queries (0.2-0.6 s on the demo database, 0.6-2 s at 3.34 M decisions)
while the browser waited. After the server's first script run, one background thread calls,
through the same cache the pages use (`ui.data`), the queries each page makes with the
default filters and controls, in navigation order. A failure is logged and skipped: the
warm-up never stops or slows a page beyond sharing the CPU.

The calls mirror the pages' defaults; `tests/test_app_warmup.py` runs every page after a
warm-up and fails on any query the warm-up missed, so the list cannot drift silently.
`imr app` turns it on (`IMR_WARMUP=1`); a bare `streamlit run app.py` and AppTest do not.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from queries import Filters
from queries.vocab import MIN_N
from ui import data, figures

SWITCH = "IMR_WARMUP"  # set to "1" by `imr app`
log = logging.getLogger("imr.warmup")
_lock = threading.Lock()
_started: threading.Thread | None = None

# Breakdown's charts with its default dimension (service_category): the drill-down, the
# others, then the specialty x category cells (ui/pages/breakdown.py). Only the main chart
# and the first tab's are drawn on a visit; the other tabs are warmed for the first click.
BREAKDOWN = (
    "service_category",
    "service_subcategory",
    "imr_guideline_source",
    "ca_guideline_source",
    "imr_mtus_chapter",
    "reviewer_specialty",
    "reviewer_state",
)
CASES_PAGE_SIZE = 50  # ui/pages/cases.py PAGE_SIZE


def calls(f: Filters) -> list[tuple[str, Callable[[], object]]]:
    """(page, call) for each default query, in the navigation's order."""
    everything = Filters()

    def compare() -> None:
        spans = figures.compare_spans(*data.data_span())
        a, b = (f.replace(date_from=spans[t][0], date_to=spans[t][1]) for t in "AB")
        data.compare(a, b)
        for x in (a, b):
            data.summary(x)
            data.decision_count(x)

    return [
        ("all", lambda: data.filter_options()),
        ("all", lambda: data.summary(f)),
        ("all", lambda: data.export_manifest(f)),
        ("all", lambda: data.decision_count(f)),
        ("overview", lambda: data.trend("quarter", f, letters=False)),
        (
            "overview",
            lambda: data.overturn_rate_by("service_category", f, by="decision_year", letters=False),
        ),
        *(
            ("breakdown", lambda d=d: data.overturn_rate_by(d, f, min_n=MIN_N, letters=False))
            for d in BREAKDOWN
        ),
        (
            "breakdown",
            lambda: data.overturn_rate_by(
                "reviewer_specialty", f, by="service_category", min_n=MIN_N, letters=False
            ),
        ),
        ("group_trends", lambda: data.group_trend(f, "service_category", "year", k=6)),
        ("mix", lambda: data.mix(f, "year", "service_category", within=None)),
        ("mix", lambda: data.opioid_share(f, "year")),
        ("reviewers", lambda: data.standardised(f, "reviewer_specialty")),
        ("guidelines", lambda: data.agreement_rates(f)),
        ("guidelines", lambda: data.agreement_table(f, "source")),
        ("timeliness", lambda: data.timeliness(f)),
        ("timeliness", lambda: data.timeliness(f, grain="quarter")),
        ("timeliness", lambda: data.timeliness(f, by="service_category")),
        ("letters", lambda: data.case_outcomes(f)),
        ("letters", lambda: data.items_per_letter(f)),
        ("letters", lambda: data.case_outcomes(f, "year")),
        ("letters", lambda: data.items_per_letter(f, "year")),
        ("letters", lambda: data.partly_vs_denied(f)),
        ("compare", compare),
        (
            "cases",
            lambda: data.decisions(
                f, sort="decision_date", descending=True, limit=CASES_PAGE_SIZE, offset=0
            ),
        ),
        ("data", lambda: data.parser_versions()),
        ("data", lambda: data.clustered_rate_by(everything)),
        ("data", lambda: data.overturn_rate_by("layout", everything, min_n=0)),
        ("data", lambda: data.coverage()),
        ("data", lambda: data.quarantined()),
        ("data", lambda: data.agreement()),
    ]


def warm(f: Filters | None = None) -> int:
    """Run every default query once (cached); returns how many failed. Never raises."""
    started, failed = time.perf_counter(), 0
    try:
        todo = calls(f or Filters())
    except Exception:
        log.exception("warm-up could not start")
        return 1
    for page, call in todo:
        try:
            call()
        except Exception as exc:  # a page shows its own error; the warm-up only logs
            failed += 1
            log.warning("warm-up: a %s query failed: %s", page, exc)
    log.info("warm-up: %d queries in %.2f s", len(todo), time.perf_counter() - started)
    return failed


def start_once() -> threading.Thread | None:
    """Start the warm-up in the background, once per process, when `imr app` asked for it
    and there is a database to read. Never raises."""
    global _started
    try:
        if os.environ.get(SWITCH) != "1" or not os.path.exists(data.db_path()):
            return None
        with _lock:
            if _started is not None:
                return None
            from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

            _started = threading.Thread(target=warm, name="imr-warmup", daemon=True)
            add_script_run_ctx(_started, get_script_run_ctx())  # Streamlit's threads rule
            _started.start()
            return _started
    except Exception:
        log.exception("warm-up not started")
        return None
