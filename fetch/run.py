"""The walk: decision-date windows -> result pages -> rows -> letter PDFs -> ingest.

Per window: both searches (case search for the case outcome, treatment search for DWC's
per-item coding), every page, checked complete against the site's own total (a window the
site cut short is split in two); the rows and the window's "searched" mark are saved in one
transaction; then the window's letters not yet on disk are downloaded into OUT/YYYY/MM/ and
handed, in batches, to `ingest_files`. A run stopped anywhere resumes from the database
without fetching a letter twice.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin

import httpx

from fetch import store
from fetch.client import PoliteClient
from fetch.errors import FetchError
from fetch.form import SEARCH_PATH, Mode, halves, search_fields, windows
from fetch.results import CaseRow, TreatmentRow, parse_result_page

RECORD_BATCH = 20  # downloads recorded per database write
INGEST_BATCH = 500  # letters per ingest call (~8 min of downloading): the refresh of the
#                     query caches after each call stays a small share of the run
SETTLE_DAYS = 30  # DWC may still post letters for more recent decision days: search them again
PAGES_DIR = "_search_pages"  # raw result pages, gzipped, kept to re-parse without the site
MISSING = (404, 410)  # a letter the site no longer has: recorded as failed, the run goes on


@dataclass(frozen=True)
class FetchPlan:
    start: date
    end: date
    out: Path
    db: Path
    window_days: int = 7
    max_letters: int | None = None  # new downloads this run
    settle_days: int = SETTLE_DAYS


@dataclass(frozen=True)
class IngestReport:
    """What the injected ingest step reports back for one batch."""

    added: int = 0
    quarantined: int = 0


@dataclass
class FetchSummary:
    windows: int = 0
    windows_searched: int = 0
    windows_already: int = 0
    result_pages: int = 0
    rows: int = 0  # DWC treatment rows saved this run
    cases: int = 0  # DWC cases saved this run
    fetched: int = 0
    already_had: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (case number, why)
    ingested: int = 0  # files handed to ingest
    ingest_added: int = 0
    ingest_quarantined: int = 0
    reached_max: bool = False
    stopped: str | None = None  # the FetchError that ended the run
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        if self.stopped:
            return 6  # the CLI's EXIT_SITE: the site did not answer as documented
        return 1 if self.failed or self.ingest_quarantined else 0


class Reporter:
    """Progress hooks; the CLI draws them with rich, tests leave them silent."""

    def window(self, index: int, total: int, start: date, end: date) -> None: ...

    def letters(self, done: int, total: int) -> None: ...

    def note(self, message: str) -> None: ...


IngestFiles = Callable[[list[Path]], IngestReport]


def run_fetch(
    client: PoliteClient,
    plan: FetchPlan,
    *,
    ingest_files: IngestFiles | None = None,
    reporter: Reporter | None = None,
    now: Callable[[], datetime] = datetime.now,
    today: Callable[[], date] = date.today,
) -> FetchSummary:
    walk = _Walk(client, plan, ingest_files, reporter or Reporter(), now, today)
    return walk.run()


class _Walk:
    def __init__(self, client, plan, ingest_files, reporter, now, today) -> None:
        self.client, self.plan, self.ingest_files = client, plan, ingest_files
        self.reporter, self.now, self.today = reporter, now, today
        self.summary = FetchSummary()
        self.to_ingest: list[Path] = []
        self.records: list[dict] = []  # downloads not yet written to the database
        self.search_url = client.url(SEARCH_PATH)

    def run(self) -> FetchSummary:
        started = time.perf_counter()
        plan, summary = self.plan, self.summary
        todo = windows(plan.start, plan.end, plan.window_days)
        summary.windows = len(todo)
        state = store.run_state(plan.db, plan.start, plan.end)
        summary.already_had = state.fetched
        if self.ingest_files:
            self.to_ingest = state.not_ingested
        try:
            for index, (start, end) in enumerate(todo):
                self.reporter.window(index, len(todo), start, end)
                days = {start + timedelta(days=i) for i in range((end - start).days + 1)}
                if days <= state.searched_days:
                    summary.windows_already += 1
                else:
                    self._search(start, end)
                    summary.windows_searched += 1
                if not self._download_window(start, end):
                    summary.reached_max = True
                    break
                self._ingest()
            self._ingest()
        except FetchError as exc:
            summary.stopped = str(exc)
            self._ingest()  # keep everything fetched so far
        except KeyboardInterrupt:
            summary.interrupted = True  # the next run ingests what is on disk
        summary.seconds = time.perf_counter() - started
        return summary

    # --- searching ------------------------------------------------------------------------

    def _search(self, start: date, end: date) -> None:
        cases, case_total = self._all_pages(Mode.CASE, start, end)
        treatments, treatment_total = self._all_pages(Mode.TREATMENT, start, end)
        if len(cases) < case_total or len(treatments) < treatment_total:
            if start == end:
                raise FetchError(
                    f"every result for {start:%m/%d/%Y} (the site counts {case_total} cases)",
                    f"{len(cases)} case rows and {len(treatments)} treatment rows",
                    self.search_url,
                )
            self.reporter.note(f"{start} - {end}: result list cut short; splitting the window")
            for half in halves(start, end):
                self._search(*half)
            return
        rows = self._rows(cases, treatments)
        settled = end <= self.today() - timedelta(days=self.plan.settle_days)
        store.save_window(self.plan.db, start, end, rows, settled=settled, now=self.now())
        self.summary.rows += sum(1 for r in rows if r["item_position"] > 0)
        self.summary.cases += len({r["case_number"] for r in rows})

    def _all_pages(self, mode: Mode, start: date, end: date) -> tuple[list, int]:
        rows: list = []
        page, total = 1, None
        while True:
            response = self.client.post_form(self.search_url, search_fields(mode, start, end, page))
            _expect_html(response, self.search_url)
            self._keep_page(response.text, mode, start, end, page)
            result = parse_result_page(response.text, mode, self.search_url, page)
            self.summary.result_pages += 1
            if total is not None and result.total != total:
                raise FetchError(
                    f"the same total on every page ({total})", f"{result.total} on page {page}"
                )
            total = result.total
            rows += result.rows
            if result.next_page is None:
                return rows, total
            if not result.rows or page > total:
                raise FetchError(
                    "result rows on every page that offers a next page",
                    f"page {page} with {len(result.rows)} rows of {total}",
                    self.search_url,
                )
            page = result.next_page

    def _rows(self, cases: list[CaseRow], treatments: list[TreatmentRow]) -> list[dict]:
        """One dict per treatment (case fields carried onto continuation rows), joined with
        the case search's outcome; a case without any treatment row gets position 0."""
        outcome = {c.case_number: c for c in cases}
        fetched_at = self.now()
        rows: list[dict] = []
        parent: TreatmentRow | None = None
        positions: dict[str, int] = {}
        for row in treatments:
            if not row.continuation:
                parent = row
            elif parent is None:
                raise FetchError(
                    "a case row before its continuation rows",
                    "a continuation row first",
                    self.search_url,
                )
            number = parent.case_number
            positions[number] = positions.get(number, 0) + 1
            case = outcome.get(number)
            rows.append(
                {
                    "case_number": number,
                    "item_position": positions[number],
                    "decision_date": parent.decision_date,
                    "date_of_injury": parent.date_of_injury,
                    "received_date": parent.received_date,
                    "reviewer_specialty": parent.reviewer_specialty,
                    "category": row.category or None,
                    "subcategory": row.subcategory or None,
                    "drug_class": (row.subcategory or None)
                    if row.category == "Pharmaceuticals"
                    else None,
                    "decision": row.decision,
                    "case_outcome": case.case_outcome if case else None,
                    "pdf_url": urljoin(self.search_url, case.href if case else parent.href),
                    "fetched_at": fetched_at,
                }
            )
        for case in cases:
            if case.case_number not in positions:
                rows.append(_case_only_row(case, urljoin(self.search_url, case.href), fetched_at))
        return rows

    def _keep_page(self, html: str, mode: Mode, start: date, end: date, page: int) -> None:
        folder = self.plan.out / PAGES_DIR / f"{start:%Y}"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{start:%Y-%m-%d}_{end:%Y-%m-%d}_{mode.value.lower()}_p{page:03d}.html.gz"
        (folder / name).write_bytes(gzip.compress(html.encode("utf-8")))

    # --- downloading ----------------------------------------------------------------------

    def _download_window(self, start: date, end: date) -> bool:
        """Download the window's missing letters; False once --max is reached."""
        pending = store.pending_letters(self.plan.db, start, end)
        names: set[str] = set()
        try:
            for done, (case_number, url, decided, another) in enumerate(pending):
                limit = self.plan.max_letters
                if limit is not None and self.summary.fetched >= limit:
                    return False
                self.reporter.letters(done, len(pending))
                second = another or case_number in names  # two letters, one case number
                names.add(case_number)
                path = self._download(case_number, url, decided, second)
                if path is not None:
                    self.to_ingest.append(path)
                if len(self.records) >= RECORD_BATCH:
                    self._save_records()
                if len(self.to_ingest) >= INGEST_BATCH:
                    self._ingest()
        finally:
            self._save_records()
        self.reporter.letters(len(pending), len(pending))
        return True

    def _download(self, case_number: str, url: str, decided: date | None, second: bool):
        summary = self.summary
        folder = self.plan.out / (f"{decided:%Y}/{decided:%m}" if decided else "undated")
        suffix = f"-{hashlib.sha1(url.encode()).hexdigest()[:8]}" if second else ""
        path = folder / f"{case_number}{suffix}.pdf"
        if path.is_file() and _is_pdf(path.read_bytes()[:5]):  # written, then the run stopped
            self._record(case_number, url, "fetched", path, path.read_bytes())
            summary.already_had += 1
            return path
        response = self.client.get(url)
        if response.status_code in MISSING:
            self._failed(case_number, url, f"HTTP {response.status_code}")
            return None
        if response.status_code >= 400:
            raise FetchError("the letter PDF", f"HTTP {response.status_code}", url)
        body = response.content
        if not _is_pdf(body[:5]):
            if _looks_like_html(response):
                kind = response.headers.get("content-type", "an HTML page")
                raise FetchError("a PDF letter", f"{kind} ({body[:60]!r})", url)
            self._failed(case_number, url, f"not a PDF: {len(body):,} bytes")
            return None
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{path.name}.part"
        partial.write_bytes(body)
        os.replace(partial, path)
        self._record(case_number, url, "fetched", path, body)
        summary.fetched += 1
        return path

    def _record(self, case_number, url, status, path=None, body=None, detail=None) -> None:
        self.records.append(
            {
                "case_number": case_number,
                "pdf_url": url,
                "status": status,
                "path": str(path) if path else None,
                "bytes": len(body) if body is not None else None,
                "sha256": hashlib.sha256(body).hexdigest() if body is not None else None,
                "detail": detail,
                "fetched_at": self.now(),
            }
        )

    def _failed(self, case_number: str, url: str, why: str) -> None:
        self._record(case_number, url, "failed", detail=why)
        self.summary.failed.append((case_number, why))

    def _save_records(self) -> None:
        records, self.records = self.records, []
        store.record_letters(self.plan.db, records)

    # --- ingest ---------------------------------------------------------------------------

    def _ingest(self) -> None:
        if not self.ingest_files or not self.to_ingest:
            return
        self._save_records()
        batch, self.to_ingest = self.to_ingest, []
        report = self.ingest_files(batch)
        store.mark_ingested(self.plan.db, batch, self.now())
        self.summary.ingested += len(batch)
        self.summary.ingest_added += report.added
        self.summary.ingest_quarantined += report.quarantined


def _case_only_row(case: CaseRow, url: str, fetched_at: datetime) -> dict:
    return {
        "case_number": case.case_number,
        "item_position": 0,
        "decision_date": case.decision_date,
        "date_of_injury": case.date_of_injury,
        "received_date": case.received_date,
        "reviewer_specialty": case.reviewer_specialty,
        "category": None,
        "subcategory": None,
        "drug_class": None,
        "decision": None,
        "case_outcome": case.case_outcome,
        "pdf_url": url,
        "fetched_at": fetched_at,
    }


def _is_pdf(head: bytes) -> bool:
    return head.startswith(b"%PDF-")


def _looks_like_html(response: httpx.Response) -> bool:
    kind = response.headers.get("content-type", "").lower()
    head = response.content[:200].lstrip().lower()
    return "html" in kind or head.startswith((b"<!doc", b"<html"))


def _expect_html(response: httpx.Response, url: str) -> None:
    if response.status_code >= 400:
        raise FetchError("a result page", f"HTTP {response.status_code}", url)
