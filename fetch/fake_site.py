"""A local replica of DWC's IMR decision search, as ../shared/dwc-search.md documents it.

The live site cannot be reached from here, so `imr fetch` is built and tested against this:
the POST form (`Fname=Case` / `Fname=Tx`, decision-date range, `Submit=Submit` then
`newpageno=<n>&Submit=Next`), `<table class="tabborder">` with a header row, continuation
rows `<td colspan="5">`, the total in the `<strong>` of the element after the table,
`<form name="Nextpage">` while more pages follow, the no-results sentence, and letter PDFs
behind site-absolute (and a few page-relative) links. Switchable failures: 429 with
Retry-After, 500, a changed page without the table, a captcha page, a result list cut short,
missing PDFs. Wording the document does not give (outcome words, page text) is a guess.

    python -m fetch.fake_site --port 8765 --letters ../shared/real-letters
"""

from __future__ import annotations

import argparse
import contextlib
import html
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from fetch.fake_catalog import FakeCase, real_letter_cases
from fetch.form import SEARCH_PATH

NO_RESULTS = "No results found for the selected Search Criteria."
PDF_PREFIX = "/dwc/imr/IMR-Decisions/"
StartResponse = Callable[[str, list[tuple[str, str]]], object]


@dataclass
class Failures:
    """Answer `mode` ("429", "500", "changed", "captcha") after `after` normal answers, for
    `count` requests (None: from then on). `cap` cuts every result list short; `missing`
    case numbers answer 404 for their PDF."""

    mode: str | None = None
    after: int = 0
    count: int | None = None
    retry_after: str = "3"
    cap: int | None = None
    missing: set[str] = field(default_factory=set)
    _served: int = 0
    _failed: int = 0

    def strike(self) -> str | None:
        """The failure for this request, if any; counts requests."""
        self._served += 1
        if self.mode is None or self._served <= self.after:
            return None
        if self.count is not None and self._failed >= self.count:
            return None
        self._failed += 1
        return self.mode


class FakeSite:
    """The WSGI app. `log` records (method, path, form) of every request it answered."""

    def __init__(
        self, cases: Iterable[FakeCase], *, page_size: int = 25, failures: Failures | None = None
    ) -> None:
        self.cases = sorted(cases, key=lambda c: (c.decision_date, c.case_number))
        self.page_size = page_size
        self.failures = failures or Failures()
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.user_agents: set[str] = set()
        self._pdfs = {f"{c.decision_date:%Y}/{c.case_number}.pdf": c for c in self.cases}
        self._lock = threading.Lock()

    def pdf_requests(self) -> list[str]:
        return [path for method, path, _ in self.log if path.startswith(PDF_PREFIX)]

    def __call__(self, environ: dict, start_response: StartResponse) -> list[bytes]:
        with self._lock:
            return self._answer(environ, start_response)

    def _answer(self, environ: dict, start_response: StartResponse) -> list[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        form = _form(environ) if method == "POST" else {}
        self.log.append((method, path, form))
        self.user_agents.add(environ.get("HTTP_USER_AGENT", ""))
        failure = self.failures.strike()
        if failure == "429":
            headers = [("Retry-After", self.failures.retry_after)]
            return _send(start_response, "429 Too Many Requests", "Slow down.", headers)
        if failure == "500":
            return _send(start_response, "500 Internal Server Error", "<h1>Server Error</h1>")
        if path.lower() == SEARCH_PATH.lower():
            if method != "POST":
                return _send(start_response, "200 OK", _page(SEARCH_FORM))
            if failure == "captcha":
                return _send(start_response, "200 OK", _page(CAPTCHA))
            if failure == "changed":
                return _send(start_response, "200 OK", _page(CHANGED))
            return _send(start_response, "200 OK", self._results(form))
        if path.startswith(PDF_PREFIX):
            case = self._pdfs.get(path[len(PDF_PREFIX) :])
            if case is None or case.case_number in self.failures.missing:
                return _send(start_response, "404 Not Found", "<h1>Not Found</h1>")
            body = case.pdf.read_bytes()
            start_response("200 OK", [("Content-Type", "application/pdf")])
            return [body]
        return _send(start_response, "404 Not Found", "<h1>Not Found</h1>")

    # --- the result page --------------------------------------------------------------------

    def _results(self, form: dict[str, str]) -> str:
        mode = form.get("Fname")
        if mode not in ("Case", "Tx") or "Submit" not in form:
            return _page("<p>Please select a search.</p>" + SEARCH_FORM)
        cases = [c for c in self.cases if _matches(c, form)]
        rows = self._case_rows(cases) if mode == "Case" else self._treatment_rows(cases)
        if not rows:
            return _page(f"<p>{NO_RESULTS}</p>")
        page = int(form.get("newpageno") or 1) if form.get("Submit") == "Next" else 1
        listed = rows[: self.failures.cap] if self.failures.cap else rows
        shown = listed[(page - 1) * self.page_size : page * self.page_size]
        more = page * self.page_size < len(listed)
        header = CASE_HEADER if mode == "Case" else TREATMENT_HEADER
        body = [
            '<table class="tabborder" width="100%" cellpadding="2">',
            "<tr>" + "".join(f"<th>{h}</th>" for h in header) + "</tr>",
            *shown,
            "</table>",
            f"<p>Total: <strong>{len(rows)}</strong> results. Page {page}</p>",
        ]
        if more:
            body.append(_next_form(form, page + 1))
        return _page("\n".join(body))

    def _case_rows(self, cases: list[FakeCase]) -> list[str]:
        out = []
        for c in cases:
            plus = " <strong>+</strong>" if len(c.treatments) > 1 else ""
            cells = [c.case_outcome, _d(c.decision_date), _d(c.date_of_injury),
                     _d(c.received_date), c.specialty]  # fmt: skip
            out.append(f"<tr><td>{_link(c)}{plus}</td>{_tds(cells)}</tr>")
        return out

    def _treatment_rows(self, cases: list[FakeCase]) -> list[str]:
        out = []
        for c in cases:
            first, *rest = c.treatments
            cells = [_d(c.decision_date), _d(c.date_of_injury), _d(c.received_date), c.specialty,
                     first.category, first.subcategory, first.decision]  # fmt: skip
            out.append(f"<tr><td>{_link(c)}</td>{_tds(cells)}</tr>")
            for t in rest:
                cells = [t.category, t.subcategory, t.decision]
                out.append(f'<tr><td colspan="5">&nbsp;</td>{_tds(cells)}</tr>')
        return out


CASE_HEADER = ["Case Number", "Case Outcome", "Decision Date", "Date of Injury",
               "Received Date", "IMRO Reviewer Specialty"]  # fmt: skip
TREATMENT_HEADER = ["Case Number", "Decision Date", "Date of Injury", "Received Date",
                    "IMRO Reviewer Specialty", "Request Category", "SubCategory/Drug",
                    "Request Decision"]  # fmt: skip
SEARCH_FORM = f"""<form name="search" method="post" action="{SEARCH_PATH}">
<input type="hidden" name="Fname" value="Case">
Case number <input name="Caseno"> Decision date <input name="DecStart"> to <input name="DecEnd">
<input type="submit" name="Submit" value="Submit"></form>"""
CAPTCHA = """<h2>Please verify you are human</h2>
<form method="post"><div class="g-recaptcha" data-sitekey="fake"></div>
<input type="submit" value="Continue"></form>"""
CHANGED = """<h2>IMR Decision Search has moved</h2>
<div class="results-grid"><div class="row">Search results are now shown here.</div></div>"""


def _page(body: str) -> str:
    return (
        "<!DOCTYPE html><html><head><title>IMR Decision Search</title></head><body>\n"
        "<h1>Independent Medical Review (IMR) Decisions</h1>\n"
        f"{body}\n</body></html>"
    )


def _next_form(form: dict[str, str], page: int) -> str:
    hidden = {k: v for k, v in form.items() if k not in ("newpageno", "Submit")}
    fields = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in hidden.items()
    )
    return (
        f'<form name="Nextpage" method="post" action="{SEARCH_PATH}">{fields}'
        f'<input type="hidden" name="newpageno" value="{page}">'
        '<input type="submit" name="Submit" value="Next"></form>'
    )


def _matches(case: FakeCase, form: dict[str, str]) -> bool:
    start, end = _form_date(form.get("DecStart")), _form_date(form.get("DecEnd"))
    number = form.get("Caseno", "").strip()
    return (
        (start is None or case.decision_date >= start)
        and (end is None or case.decision_date <= end)
        and (not number or case.case_number == number)
        and (not form.get("SpecialtyV") or case.specialty == form["SpecialtyV"])
    )


def _form_date(value: str | None) -> date | None:
    return datetime.strptime(value, "%m/%d/%Y").date() if value else None


def _link(case: FakeCase) -> str:
    return f'<a href="{html.escape(case.href)}" target="_blank">{case.case_number}</a>'


def _tds(cells: list[str]) -> str:
    return "".join(f"<td>{html.escape(c)}</td>" for c in cells)


def _d(day: date | None) -> str:
    return f"{day:%m/%d/%Y}" if day else ""


def _form(environ: dict) -> dict[str, str]:
    size = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(size).decode("latin-1") if size else ""
    return {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _send(
    start_response: StartResponse, status: str, text: str, headers: list | None = None
) -> list[bytes]:
    start_response(status, [("Content-Type", "text/html; charset=utf-8"), *(headers or [])])
    return [text.encode("utf-8")]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(site: FakeSite, host: str = "127.0.0.1", port: int = 0):
    """A started server in a daemon thread; `.server_port`, `.shutdown()`."""
    server = make_server(host, port, site, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--letters", type=Path, required=True, help="folder of real letter PDFs")
    parser.add_argument("--page-size", type=int, default=25)
    parser.add_argument("--fail", choices=["429", "500", "changed", "captcha"])
    parser.add_argument("--fail-after", type=int, default=0, help="normal answers first")
    parser.add_argument("--fail-count", type=int, help="failures before recovering")
    parser.add_argument("--cap", type=int, help="list at most this many rows per search")
    args = parser.parse_args(argv)
    failures = Failures(args.fail, args.fail_after, args.fail_count, cap=args.cap)
    site = FakeSite(real_letter_cases(args.letters), page_size=args.page_size, failures=failures)
    server = make_server("127.0.0.1", args.port, site, handler_class=_Quiet)
    print(f"Fake DWC search with {len(site.cases)} letters on http://127.0.0.1:{args.port}")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
