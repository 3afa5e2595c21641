"""Disputed-item blocks of the 2015-2017 letters (Format D), one block per item:

    <item header>: Upheld | Overturned          (may wrap; the outcome may sit alone on a line)
    Claims Administrator guideline: <citation>
    MAXIMUS guideline: <citation>
    Decision rationale: <prose up to the next item header or the end of the text>

An item is recognised by its `Claims Administrator guideline:` line, so rationale prose that
happens to end in "Upheld" is never taken for a header. The header runs back from there to the
line after the previous rationale's last sentence (a line ending in `.`, `?` or `!`); when a
partly authorised request's sentences end at a line break, it runs back to the sentence naming
`... was the original request`. The header's text splits at its LAST colon before the outcome.
"""

from __future__ import annotations

import re

from ingest.errors import ParseError
from ingest.errors import QuarantineReason as R
from ingest.model import Item

from .partial import split_partial
from .text import dewrap

_CA = "Claims Administrator guideline:"
_IMR = "MAXIMUS guideline:"
_RATIONALE = "Decision rationale:"
_HEADER = re.compile(r"^(?P<head>.+?)\s*:\s*(?P<outcome>Upheld|Overturned)$", re.DOTALL)
_OUTCOME_END = re.compile(r"(?:^|:)\s*(?:Upheld|Overturned)$")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_WAS_ORIGINAL = re.compile(r"was the original request", re.IGNORECASE)
_MAX_HEADER_LINES = 12


def parse_items(lines: list[str]) -> tuple[Item, ...]:
    """Items of the lines after `set forth below:`; ParseError(R.BAD_ITEM) on a broken block."""
    starts = [i for i, line in enumerate(lines) if line.startswith(_CA)]
    if not starts:
        raise ParseError(R.NO_ITEMS, f"no '{_CA}' line in the items section")
    headers = []  # (first header line, CA line) per item
    floor = 0
    for number, ca_at in enumerate(starts, 1):
        if ca_at == floor or not _OUTCOME_END.search(lines[ca_at - 1]):
            raise ParseError(R.BAD_ITEM, f"item {number}: no outcome line before '{_CA}'")
        first = floor if number == 1 else _header_start(lines, ca_at - 1, floor)
        headers.append((first, ca_at))
        floor = _label_index(lines, ca_at, _RATIONALE, number) + 1
    ends = [first for first, _ in headers[1:]] + [len(lines)]
    return tuple(
        _item(number, lines, first, ca_at, end)
        for number, ((first, ca_at), end) in enumerate(zip(headers, ends, strict=True), 1)
    )


def _header_start(lines: list[str], last: int, floor: int) -> int:
    first = _walk_back(lines, last, floor)
    block = dewrap(lines[first : last + 1])
    if "original request" in block.lower() and not _WAS_ORIGINAL.search(block):
        for k in range(first - 1, max(floor, last - _MAX_HEADER_LINES) - 1, -1):
            if _WAS_ORIGINAL.search(dewrap(lines[k : last + 1])):
                return _walk_back(lines, k, floor)
    return first


def _walk_back(lines: list[str], at: int, floor: int) -> int:
    limit = max(floor, at - _MAX_HEADER_LINES)
    while at > limit and not _SENTENCE_END.search(lines[at - 1]):
        at -= 1
    return at


def _label_index(lines: list[str], start: int, label: str, number: int) -> int:
    for i in range(start, len(lines)):
        if lines[i].startswith(label):
            return i
        if i > start and lines[i].startswith(_CA):
            break
    raise ParseError(R.BAD_ITEM, f"item {number}: no '{label}' line")


def _item(number: int, lines: list[str], first: int, ca_at: int, end: int) -> Item:
    match = _HEADER.match(dewrap(lines[first:ca_at]))
    if not match:
        raise ParseError(R.BAD_ITEM, f"item {number}: unreadable header")
    imr_at = _label_index(lines, ca_at, _IMR, number)
    why_at = _label_index(lines, imr_at, _RATIONALE, number)
    original, authorized, service = split_partial(match["head"])
    return Item(
        item_no=number,
        service=service,
        outcome=match["outcome"],
        original_request=original,
        authorized_portion=authorized,
        ca_guideline=dewrap(lines[ca_at:imr_at])[len(_CA) :].strip(),
        imr_guideline=dewrap(lines[imr_at:why_at])[len(_IMR) :].strip(),
        rationale=dewrap(lines[why_at:end])[len(_RATIONALE) :].strip(),
    )
