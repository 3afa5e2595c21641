"""The walk against the fake DWC search: everything once, resumable, polite, clear stops."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from fetch.fake_site import PDF_PREFIX, Failures
from fetch.run import run_fetch
from tests.fetchsite import FakeClock, RecordingIngest, make_client, make_plan, make_site

CASE_OUTCOME = {
    "Uphold": "Upheld",
    "Overturn": "Overturned",
    "Partial Overturn": "Partially Overturned",
}


def fetch(site, tmp_path, clock=None, ingest=None, **plan):
    clock = clock or FakeClock()
    with make_client(site, clock) as client:
        return run_fetch(client, make_plan(tmp_path, **plan), ingest_files=ingest)


@pytest.fixture
def held(tmp_path: Path) -> Iterator[None]:
    """One connection to the run's database held open through the test, as the store opens
    it (read-write, DuckDB's defaults). The store still opens and closes its own connection
    per step (~190 in this file); while this one is open they attach to its database instance
    instead of each creating one (~20 ms: DuckDB registers its built-ins, then reads the
    catalog), ~half of this file's CPU. A connect with other settings would be refused, so
    the store's settings are checked too. The first test runs without it: one run on no file,
    as a first `imr fetch` does (test_fetch_cli.py kills a real process and starts another on
    the file it left)."""
    con = duckdb.connect(str(tmp_path / "imr.duckdb"))
    yield
    con.close()


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db))  # read-write: the settings of `held`, if it holds `db`
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def pdfs(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "letters").rglob("*.pdf"))


def test_every_letter_is_fetched_once_and_handed_to_ingest(tmp_path):
    site = make_site(page_size=5)  # continuation rows fall across page breaks
    ingest = RecordingIngest()
    summary = fetch(site, tmp_path, ingest=ingest, window_days=31)
    assert summary.exit_code == 0 and summary.stopped is None
    assert (summary.fetched, summary.already_had, summary.failed) == (40, 0, [])
    assert (summary.cases, summary.rows, summary.windows) == (40, 84, 3)
    assert len(site.pdf_requests()) == len(set(site.pdf_requests())) == 40
    assert sorted(ingest.files) == pdfs(tmp_path) and len(set(ingest.files)) == 40
    for case in site.cases:  # filed by DWC's decision date, byte for byte the published PDF
        path = tmp_path / "letters" / f"{case.decision_date:%Y/%m}" / f"{case.case_number}.pdf"
        assert path.read_bytes() == case.pdf.read_bytes()
    assert (tmp_path / "letters/2017/02/CM17-0002181.pdf").exists()  # DWC's date, not the letter's
    stored = rows(
        tmp_path / "imr.duckdb",
        "select case_number, item_position, category, subcategory, drug_class, decision, "
        "case_outcome, decision_date, reviewer_specialty from dwc_search order by all",
    )
    expected = sorted(
        (c.case_number, k, t.category, t.subcategory,
         t.subcategory if t.category == "Pharmaceuticals" else None,
         t.decision, CASE_OUTCOME[c.case_outcome], c.decision_date, c.specialty)
        for c in site.cases for k, t in enumerate(c.treatments, start=1)
    )  # fmt: skip
    assert stored == expected
    assert all(ua.startswith("imr-outcomes/") for ua in site.user_agents)


def test_a_second_run_fetches_nothing(held, tmp_path):
    site = make_site()
    fetch(site, tmp_path, ingest=RecordingIngest())
    requests_before = len(site.log)
    ingest = RecordingIngest()
    again = fetch(site, tmp_path, ingest=ingest)
    assert (again.fetched, again.already_had, again.result_pages) == (0, 40, 0)
    assert (again.windows_already, again.windows_searched) == (3, 0)
    assert len(site.log) == requests_before and ingest.batches == []
    assert rows(tmp_path / "imr.duckdb", "select count(*) from dwc_search") == [(84,)]


class Killer:
    """Wraps the site and dies (like a killed process) on the k+1-th letter download."""

    def __init__(self, site, k: int) -> None:
        self.site, self.k, self.seen = site, k, 0

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"].startswith(PDF_PREFIX):
            if self.seen >= self.k:
                raise RuntimeError("killed")
            self.seen += 1
        return self.site(environ, start_response)


def test_a_run_stopped_after_k_downloads_resumes_without_duplicates(held, tmp_path):
    site = make_site()
    first_ingest, second_ingest = RecordingIngest(), RecordingIngest()
    with pytest.raises(RuntimeError, match="killed"):
        fetch(Killer(site, 12), tmp_path, ingest=first_ingest, window_days=31)
    assert len(pdfs(tmp_path)) == 12
    summary = fetch(site, tmp_path, ingest=second_ingest, window_days=31)
    assert (summary.fetched, summary.already_had, summary.exit_code) == (28, 12, 0)
    assert len(site.pdf_requests()) == len(set(site.pdf_requests())) == 40  # none twice
    handed = first_ingest.files + second_ingest.files
    assert len(handed) == len(set(handed)) == 40  # every file handed to ingest exactly once
    db = tmp_path / "imr.duckdb"
    assert rows(db, "select count(*), count(distinct case_number) from dwc_fetch_letters") == [
        (40, 40)
    ]
    assert rows(db, "select count(*) from dwc_fetch_letters where ingested_at is null") == [(0,)]
    keys = "select count(*), count(distinct (case_number, item_position)) from dwc_search"
    assert rows(db, keys) == [(84, 84)]


def test_files_written_but_not_recorded_are_not_downloaded_again(held, tmp_path):
    """A hard kill between writing a PDF and recording it: the file on disk counts."""
    site = make_site()
    fetch(site, tmp_path)
    con = duckdb.connect(str(tmp_path / "imr.duckdb"))
    con.execute("delete from dwc_fetch_letters")
    con.close()
    again = fetch(site, tmp_path)
    assert (again.fetched, again.already_had) == (0, 40)
    assert len(site.pdf_requests()) == 40


@pytest.mark.parametrize(
    ("mode", "message"),
    [("changed", 'expected a result table <table class="tabborder">'), ("captcha", "CAPTCHA")],
)
def test_a_changed_page_or_captcha_stops_clearly_and_keeps_what_was_fetched(
    held, tmp_path, mode, message
):
    site = make_site(failures=Failures(mode, after=5))  # December searched, then a new page
    ingest = RecordingIngest()
    summary = fetch(site, tmp_path, ingest=ingest, window_days=31)
    assert summary.exit_code == 6 and message in summary.stopped
    assert 0 < summary.fetched < 40 and len(pdfs(tmp_path)) == summary.fetched
    assert sorted(ingest.files) == pdfs(tmp_path)  # what was fetched was ingested, not lost
    site.failures = Failures()  # the site is back to normal
    resumed = fetch(site, tmp_path, ingest=ingest, window_days=31)
    assert resumed.exit_code == 0 and resumed.fetched == 40 - summary.fetched
    assert len(site.pdf_requests()) == len(set(site.pdf_requests())) == 40


def test_repeated_500s_stop_after_backing_off(held, tmp_path):
    clock = FakeClock()
    site = make_site(failures=Failures("500", after=10))
    summary = fetch(site, tmp_path, clock=clock)
    assert summary.exit_code == 6
    assert "5 failures in a row (last: HTTP 500)" in summary.stopped
    assert clock.sleeps[-4:] == [2.0, 4.0, 8.0, 16.0]
    assert len(pdfs(tmp_path)) == summary.fetched > 0


def test_429_with_retry_after_is_waited_out(held, tmp_path):
    clock = FakeClock()
    site = make_site(failures=Failures("429", after=4, count=2, retry_after="5"))
    summary = fetch(site, tmp_path, clock=clock)
    assert summary.exit_code == 0 and summary.fetched == 40
    assert clock.sleeps.count(5.0) == 2
    assert all(s >= 1.0 - 1e-9 for s in clock.sleeps)  # never closer than the rate allows


def test_a_letter_missing_on_the_site_is_reported_and_the_run_goes_on(held, tmp_path):
    site = make_site(failures=Failures(missing={"CM17-0009282"}))
    summary = fetch(site, tmp_path)
    assert summary.exit_code == 1 and summary.fetched == 39
    assert summary.failed == [("CM17-0009282", "HTTP 404")]
    again = fetch(site, tmp_path)  # tried again next time, still missing
    assert (again.fetched, again.failed) == (0, [("CM17-0009282", "HTTP 404")])


def test_a_result_list_cut_short_splits_the_window(held, tmp_path):
    site = make_site()
    per_day: dict[date, int] = {}
    for case in site.cases:
        per_day[case.decision_date] = per_day.get(case.decision_date, 0) + len(case.treatments)
    january = {d: n for d, n in per_day.items() if d.month == 1}
    expected = sum(1 for c in site.cases if c.decision_date.month == 1)
    site.failures = Failures(cap=max(january.values()))  # fits one day, not the month
    with make_client(site) as client:
        plan = replace(make_plan(tmp_path), start=date(2017, 1, 1), end=date(2017, 1, 31))
        summary = run_fetch(client, plan)
        assert summary.exit_code == 0 and summary.windows_searched == 1
        assert summary.result_pages > 2  # the month was split until every list was whole
        assert (summary.fetched, summary.rows) == (expected, sum(january.values()))
        site.failures = Failures(cap=max(january.values()) - 1)  # too short even for a day
        other = run_fetch(client, replace(plan, db=tmp_path / "other.duckdb"))
    assert other.exit_code == 6 and "every result for" in other.stopped


def test_max_stops_early_and_the_next_run_continues(held, tmp_path):
    site = make_site()
    first = fetch(site, tmp_path, max_letters=5)
    assert (first.fetched, first.reached_max, first.exit_code) == (5, True, 0)
    rest = fetch(site, tmp_path)
    assert (rest.fetched, rest.already_had) == (35, 5)


def test_recent_windows_are_searched_again_without_fetching_twice(held, tmp_path):
    site = make_site()
    ingest = RecordingIngest()
    with make_client(site) as client:
        plan = make_plan(tmp_path)  # windows: December, January, February
        run_fetch(client, plan, ingest_files=ingest, today=lambda: date(2017, 2, 10))
        again = run_fetch(client, plan, ingest_files=ingest, today=lambda: date(2017, 2, 10))
    assert (again.windows_already, again.windows_searched) == (1, 2)  # only December settled
    assert again.fetched == 0 and len(site.pdf_requests()) == 40
    assert rows(tmp_path / "imr.duckdb", "select count(*) from dwc_search") == [(84,)]


def test_a_window_without_results(held, tmp_path):
    site = make_site()
    with make_client(site) as client:
        plan = make_plan(tmp_path)
        plan = replace(plan, start=date(2016, 11, 1), end=date(2016, 11, 30))
        summary = run_fetch(client, plan)
        again = run_fetch(client, plan)
    assert (summary.windows_searched, summary.rows, summary.fetched) == (1, 0, 0)
    assert summary.result_pages == 2 and again.windows_already == 1
