"""Result pages -> rows: the documented shape, and a clear FetchError for anything else."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import httpx
import pytest

from fetch.errors import FetchError
from fetch.form import SEARCH_PATH, Mode, halves, search_fields, windows
from fetch.results import NO_RESULTS, parse_result_page
from tests.fetchsite import BASE, make_site

CASE_PAGE = """<html><body><h1>IMR Decisions</h1>
<table class="tabborder">
<tr><th>Case Number</th><th>Case Outcome</th><th>Decision Date</th><th>Date of Injury</th>
<th>Received Date</th><th>IMRO Reviewer Specialty</th></tr>
<tr><td><a href="/dwc/imr/x/CM16-0213037.pdf">CM16-0213037</a> <strong>+</strong></td>
<td>Uphold</td><td>12/09/2016</td><td>10/13/2016</td><td>11/03/2016</td>
<td>Family Practice</td></tr>
<tr><td><a href="y/CM17-0005589.pdf">CM17-0005589</a></td><td>Overturn</td><td>02/01/2017</td>
<td></td><td>01/05/2017</td><td>Physical Medicine &amp; Rehabilitation</td></tr>
</table>
<p>Total: <strong>1,234</strong> results</p>
<form name="Nextpage" method="post"><input type="hidden" name="newpageno" value="2">
<input type="submit" name="Submit" value="Next"></form>
</body></html>"""

TREATMENT_PAGE = """<html><body>
<table class="tabborder">
<tr><th>Case Number</th><th>Decision Date</th><th>Date of Injury</th><th>Received Date</th>
<th>IMRO Reviewer Specialty</th><th>Request Category</th><th>SubCategory/Drug</th>
<th>Request Decision</th></tr>
<tr><td><a href="/a/CM16-0247802.pdf">CM16-0247802</a></td><td>02/01/2017</td>
<td>11/02/2016</td><td>12/22/2016</td><td>Physical Medicine &amp; Rehabilitation</td>
<td>Surgery</td><td>Surgical Consult</td><td>Overturned</td></tr>
<tr><td colspan="5">&nbsp;</td><td>Pharmaceuticals</td><td>Muscle Relaxant</td><td>Upheld</td></tr>
<tr><td colspan="5">&nbsp;</td><td>Pharmaceuticals</td><td>Opioids</td><td>Uphold</td></tr>
</table>
<div>Total: <strong>3</strong></div>
</body></html>"""


CHANGED = (
    "<html><head><title>IMR</title></head><body><div class='grid'>new look</div></body></html>"
)
CAPTCHA = (
    "<html><body><h2>Please verify you are human</h2><div class='g-recaptcha'></div></body></html>"
)


def test_case_page_rows_total_and_next_page():
    page = parse_result_page(CASE_PAGE, Mode.CASE, page=1)
    assert page.total == 1234 and page.next_page == 2
    first, second = page.rows
    assert first.case_number == "CM16-0213037" and first.href == "/dwc/imr/x/CM16-0213037.pdf"
    assert first.case_outcome == "Upheld" and first.several_items
    assert (first.decision_date, first.date_of_injury, first.received_date) == (
        date(2016, 12, 9), date(2016, 10, 13), date(2016, 11, 3),
    )  # fmt: skip
    assert second.case_outcome == "Overturned" and not second.several_items
    assert second.date_of_injury is None  # an empty cell, not an error
    assert second.reviewer_specialty == "Physical Medicine & Rehabilitation"


def test_treatment_page_continuation_rows_and_last_page():
    page = parse_result_page(TREATMENT_PAGE, Mode.TREATMENT)
    assert page.total == 3 and page.next_page is None
    main, *more = page.rows
    assert main.case_number == "CM16-0247802" and not main.continuation
    assert (main.category, main.subcategory, main.decision) == (
        "Surgery", "Surgical Consult", "Overturned",
    )  # fmt: skip
    assert [r.continuation for r in more] == [True, True]
    assert [(r.subcategory, r.decision) for r in more] == [
        ("Muscle Relaxant", "Upheld"), ("Opioids", "Upheld"),
    ]  # fmt: skip
    assert more[0].case_number is None and more[0].decision_date is None


def test_no_results_text_is_an_empty_last_page():
    page = parse_result_page(f"<html><body><p>{NO_RESULTS}</p></body></html>", Mode.CASE)
    assert (page.rows, page.total, page.next_page) == ([], 0, None)


def test_next_page_without_a_number_is_the_following_page():
    html = CASE_PAGE.replace('<input type="hidden" name="newpageno" value="2">', "")
    assert parse_result_page(html, Mode.CASE, page=4).next_page == 5


@pytest.mark.parametrize(
    ("html", "expected", "got"),
    [
        (CHANGED, '<table class="tabborder">', "new look"),
        (CAPTCHA, "a result page", "CAPTCHA"),
        (CASE_PAGE.replace("<strong>1,234</strong>", "1,234"), "total count", "None"),
        (CASE_PAGE.replace("<td>Uphold</td>", "<td>Dismissed</td>"), "case outcome", "Dismissed"),
        (CASE_PAGE.replace("12/09/2016", "2016-12-09"), "MM/DD/YYYY", "2016-12-09"),
        (CASE_PAGE.replace("<td>Family Practice</td>", ""), "6 cells in result row 2", "5"),
        (CASE_PAGE.replace(">CM16-0213037<", ">see letter<"), "case number", "see letter"),
        (CASE_PAGE.replace('value="2"', 'value="1"'), "next page number above 1", "'1'"),
    ],
    ids=["changed", "captcha", "no-total", "outcome", "date", "cells", "case-number", "paging"],
)  # fmt: skip
def test_pages_that_do_not_look_as_documented_raise_a_clear_error(html, expected, got):
    with pytest.raises(FetchError) as caught:
        parse_result_page(html, Mode.CASE, url="http://dwc.test/search")
    message = str(caught.value)
    assert message.startswith("expected ") and expected in message and got in message
    assert "http://dwc.test/search" in message


def test_treatment_row_with_the_wrong_shape_is_rejected():
    html = TREATMENT_PAGE.replace("<td>Muscle Relaxant</td>", "", 1)
    with pytest.raises(FetchError, match="4 cells in result row 3; got 3"):
        parse_result_page(html, Mode.TREATMENT)


def test_form_fields_follow_the_documented_post_body():
    first = search_fields(Mode.TREATMENT, date(2017, 1, 2), date(2017, 1, 8))
    assert list(first) == ["Fname", "Caseno", "DoIStart", "DoIEnd", "ReqStart", "ReqEnd",
                           "DecStart", "DecEnd", "SpecialtyV", "OutcomeV", "SubCategoryV",
                           "Submit"]  # fmt: skip
    assert (first["Fname"], first["DecStart"], first["DecEnd"], first["Submit"]) == (
        "Tx", "01/02/2017", "01/08/2017", "Submit",
    )  # fmt: skip
    later = search_fields(Mode.CASE, date(2017, 1, 2), date(2017, 1, 8), page=3)
    assert "CaseOutcomeV" in later and (later["newpageno"], later["Submit"]) == ("3", "Next")


def test_windows_cover_the_range_once():
    parts = windows(date(2016, 12, 1), date(2017, 2, 28), 7)
    assert parts[0] == (date(2016, 12, 1), date(2016, 12, 7)) and parts[-1][1] == date(2017, 2, 28)
    days = [(b - a).days + 1 for a, b in parts]
    assert sum(days) == 90 and max(days) == 7
    assert all(b.toordinal() + 1 == c.toordinal() for (_, b), (c, _) in pairwise(parts))
    assert halves(date(2017, 1, 1), date(2017, 1, 7)) == [
        (date(2017, 1, 1), date(2017, 1, 4)), (date(2017, 1, 5), date(2017, 1, 7)),
    ]  # fmt: skip


def test_pages_of_the_fake_site_parse_back_to_its_catalogue():
    """Round trip: every treatment the fake lists comes back from its pages, in order."""
    site = make_site(page_size=7)
    http = httpx.Client(transport=httpx.WSGITransport(app=site), base_url=BASE)
    rows, page = [], 1
    while page:
        fields = search_fields(Mode.TREATMENT, date(2016, 12, 1), date(2017, 2, 28), page)
        result = parse_result_page(http.post(SEARCH_PATH, data=fields).text, Mode.TREATMENT)
        rows += result.rows
        page = result.next_page
    assert len(rows) == result.total == sum(len(c.treatments) for c in site.cases) == 84
    assert sum(not r.continuation for r in rows) == 40
    listed = [(r.category, r.subcategory) for r in rows]
    assert listed == [(t.category, t.subcategory) for c in site.cases for t in c.treatments]
