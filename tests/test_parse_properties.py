"""Whatever text comes in, parse_letter returns a well-formed Letter or raises ParseError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import ParseError
from ingest.layouts import parse_letter
from ingest.model import OUTCOMES, Letter
from tests.layouts_helpers import REAL_LETTERS, SEED_LETTER, format_d, item_block, real_text

LAYOUTS = {"determination_2015", "maximus_2014", "professional_review_2013", "notice_2013"}
SAMPLES = [format_d(item_block("Pre-op labs: CBC: Overturned"), item_block("X: Upheld"))]
if SEED_LETTER.exists():
    SAMPLES.append(SEED_LETTER.read_text())
SAMPLES += [real_text(path.stem) for path in REAL_LETTERS[:3]]
JUNK = st.sampled_from(
    ["Upheld", ": Overturned", "Claims Administrator guideline:", "MAXIMUS guideline:",
     "Decision rationale:", "IMR ISSUES, DECISIONS AND RATIONALES", "CLINICAL CASE SUMMARY",
     "was the original request.", "Date Assigned: 13/45/2016", "1) MAXIMUS Federal Services,"
     " Inc. has determined the request for x is medically necessary", "\ufffe", ""]
) | st.text(max_size=40)  # fmt: skip


def check(text: str) -> None:
    try:
        letter = parse_letter(text)
    except ParseError as error:
        assert error.reason != "parser_error", error.detail  # a crash inside a parser
        return
    assert isinstance(letter, Letter)
    assert letter.layout in LAYOUTS
    assert [item.item_no for item in letter.items] == list(range(1, len(letter.items) + 1))
    assert letter.items, "a Letter always has items"
    assert all(item.outcome in OUTCOMES and item.service for item in letter.items)
    assert letter.case_outcome in {"Upheld", "Overturned", "Partially Overturned"}
    assert letter.patient_sex in {None, "male", "female"}


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_arbitrary_text(text):
    check(text)


@st.composite
def mutated(draw):
    lines = draw(st.sampled_from(SAMPLES)).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "shuffle", "truncate", "junk"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if op == "delete" and lines:
            del lines[at]
        elif op == "duplicate" and lines:
            lines.insert(at, lines[at])
        elif op == "shuffle":
            span = lines[at : at + 6]
            lines[at : at + 6] = draw(st.permutations(span))
        elif op == "truncate":
            lines = lines[:at]
        else:
            lines.insert(at, draw(JUNK))
    return "\n".join(lines)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_letters(text):
    check(text)


def test_unmutated_samples_parse():
    for text in SAMPLES:
        check(text)
        assert parse_letter(text).items
