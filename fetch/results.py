"""Result pages of the search -> rows, checked against the documented shape.

A result page holds `<table class="tabborder">` (a header row, then one row per case or per
treatment; further treatments of a case follow as continuation rows whose first cell spans
five columns), the total count in the `<strong>` of the element after the table, and a
`<form name="Nextpage">` while more pages follow. No results: a fixed sentence. Any other page
(a captcha, a redesign, an error page served with 200) raises `FetchError` saying so.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from fetch.errors import FetchError
from fetch.form import Mode

NO_RESULTS = "No results found for the selected Search Criteria."
CASE_NUMBER = re.compile(r"[A-Z]{2}\d{2}-\d{7}")  # a cell's text, not HTML
CASE_CELLS = 6  # case number, outcome, decision date, date of injury, received, specialty
TREATMENT_CELLS = 8  # case number, 3 dates, specialty, category, subcategory/drug, decision
CONTINUATION_CELLS = 4  # <td colspan="5">, category, subcategory/drug, decision
CAPTCHA_WORDS = ("captcha", "verify you are human", "are you a robot", "unusual traffic")
_OUTCOMES = tomllib.loads((Path(__file__).with_name("outcomes.toml")).read_text("utf-8"))


@dataclass(frozen=True)
class CaseRow:
    case_number: str
    href: str
    case_outcome: str
    decision_date: date | None
    date_of_injury: date | None
    received_date: date | None
    reviewer_specialty: str
    several_items: bool  # the `<strong>+</strong>` mark


@dataclass(frozen=True)
class TreatmentRow:
    """A treatment; on a continuation row the case fields are None (they are the row above's)."""

    case_number: str | None
    href: str | None
    decision_date: date | None
    date_of_injury: date | None
    received_date: date | None
    reviewer_specialty: str | None
    category: str
    subcategory: str
    decision: str

    @property
    def continuation(self) -> bool:
        return self.case_number is None


@dataclass(frozen=True)
class ResultPage:
    rows: list  # list[CaseRow] or list[TreatmentRow]
    total: int  # the site's count for the whole search, not this page
    next_page: int | None  # newpageno to ask for next, None on the last page


def parse_result_page(html: str, mode: Mode, url: str = "", page: int = 1) -> ResultPage:
    tree = LexborHTMLParser(html)
    text = _text(tree.body) if tree.body is not None else ""
    if NO_RESULTS in text:
        return ResultPage([], 0, None)
    table = tree.css_first("table.tabborder")
    if table is None:
        lowered = text.lower() + " " + html[:20000].lower()
        if any(word in lowered for word in CAPTCHA_WORDS):
            raise FetchError("a result page", f"a CAPTCHA / robot check ({_gist(tree)})", url)
        raise FetchError(
            f'a result table <table class="tabborder"> or "{NO_RESULTS}"',
            f"a page without either ({_gist(tree)})",
            url,
        )
    rows = table.css("tr")
    if not rows or not rows[0].css("th, td"):
        raise FetchError("a header row in the result table", "an empty table", url)
    parse_row = _case_row if mode is Mode.CASE else _treatment_row
    parsed = [parse_row(tr, n, url) for n, tr in enumerate(rows[1:], start=2)]
    return ResultPage(parsed, _total(table, url), _next_page(tree, page, url))


def _case_row(tr: LexborNode, n: int, url: str) -> CaseRow:
    cells = tr.css("td")
    _expect_cells(cells, (CASE_CELLS,), n, url)
    number, href = _case_link(cells[0], n, url)
    return CaseRow(
        case_number=number,
        href=href,
        case_outcome=_outcome("case_outcome", _text(cells[1]), url),
        decision_date=_date(cells[2], url),
        date_of_injury=_date(cells[3], url),
        received_date=_date(cells[4], url),
        reviewer_specialty=_text(cells[5]),
        several_items=any(_text(s) == "+" for s in cells[0].css("strong")),
    )


def _treatment_row(tr: LexborNode, n: int, url: str) -> TreatmentRow:
    cells = tr.css("td")
    if cells and cells[0].attributes.get("colspan") == "5":
        _expect_cells(cells, (CONTINUATION_CELLS,), n, url)
        category, subcategory, decision = (_text(c) for c in cells[1:4])
        return TreatmentRow(
            None, None, None, None, None, None, category, subcategory,
            _outcome("decision", decision, url),
        )  # fmt: skip
    _expect_cells(cells, (TREATMENT_CELLS,), n, url)
    number, href = _case_link(cells[0], n, url)
    return TreatmentRow(
        case_number=number,
        href=href,
        decision_date=_date(cells[1], url),
        date_of_injury=_date(cells[2], url),
        received_date=_date(cells[3], url),
        reviewer_specialty=_text(cells[4]),
        category=_text(cells[5]),
        subcategory=_text(cells[6]),
        decision=_outcome("decision", _text(cells[7]), url),
    )


def _expect_cells(cells: list, counts: tuple[int, ...], n: int, url: str) -> None:
    if len(cells) not in counts:
        wanted = " or ".join(map(str, counts))
        raise FetchError(f"{wanted} cells in result row {n}", f"{len(cells)}", url)


def _case_link(cell: LexborNode, n: int, url: str) -> tuple[str, str]:
    link = cell.css_first("a")
    href = link.attributes.get("href") if link is not None else None
    number = _text(link) if link is not None else _text(cell)
    if not href or not CASE_NUMBER.fullmatch(number):
        raise FetchError(
            f"a case number linked to its letter in row {n}", f"{number or 'an empty cell'!r}", url
        )
    return number, href


def _total(table: LexborNode, url: str) -> int:
    after = table.next
    while after is not None and not after.is_element_node:
        after = after.next
    strong = after.css_first("strong") if after is not None else None
    value = _text(strong).replace(",", "") if strong is not None else ""
    if not value.isdigit():
        raise FetchError(
            "the total count in a <strong> after the result table", repr(value or None), url
        )
    return int(value)


def _next_page(tree: LexborHTMLParser, page: int, url: str) -> int | None:
    form = tree.css_first('form[name="Nextpage"]')
    if form is None:
        return None
    field = form.css_first('input[name="newpageno"]')
    value = (field.attributes.get("value") or "").strip() if field is not None else ""
    if not value:
        return page + 1
    if not value.isdigit() or int(value) <= page:
        raise FetchError(f"a next page number above {page}", repr(value), url)
    return int(value)


def _outcome(kind: str, value: str, url: str) -> str:
    try:
        return _OUTCOMES[kind][value]
    except KeyError:
        known = ", ".join(sorted(_OUTCOMES[kind]))
        raise FetchError(f"a {kind.replace('_', ' ')} ({known})", repr(value), url) from None


def _date(cell: LexborNode, url: str) -> date | None:
    value = _text(cell)
    if not value:
        return None
    try:
        return datetime.strptime(value, "%m/%d/%Y").date()
    except ValueError:
        raise FetchError("a date MM/DD/YYYY", repr(value), url) from None


def _text(node: LexborNode | None) -> str:
    if node is None:
        return ""
    return " ".join(node.text(deep=True).replace("\xa0", " ").split())


def _gist(tree: LexborHTMLParser) -> str:
    title = _text(tree.css_first("title"))
    words = _text(tree.body)[:80] if tree.body is not None else ""
    return f"title {title!r}, text {words!r}" if title else f"text {words!r}"
