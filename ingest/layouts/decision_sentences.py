"""Numbered decision sentences of the 2013-2014 letters, read from de-wrapped text:

    1) MAXIMUS Federal Services, Inc. has determined the request for <item> is not medically
       necessary and appropriate.          -> Upheld   (`is medically necessary` -> Overturned)
    2. <item> is not medically necessary and appropriate.   (2014, without the MAXIMUS preamble)

PDF text of that era glues words (`notmedically`, `requestfor`), so the words may touch.
A number repeated later (a summary list, then one section per item) must agree in outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.errors import ParseError
from ingest.errors import QuarantineReason as R

_PREAMBLE = (
    r"MAXIMUS\s*Federal\s*Services,?\s*Inc\.?,?\s*has\s*determined\s*(?:that\s*)?"
    r"the\s*request\s*for\s*"
)
_SENTENCE = re.compile(
    r"(?:^|(?<=\s))(?P<no>\d{1,2})[.)]\s*(?P<pre>" + _PREAMBLE + r")?"
    r"(?P<item>\S(?:(?!\.\s).)*?)\s*"  # one sentence: the item never spans a full stop
    r"is\s*(?P<neg>not\s*)?medically\s*necessary(?:\s*and\s*appropriate)?\s*\.?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Decision:
    item_no: int
    item: str
    outcome: str
    start: int  # offsets of the sentence in the de-wrapped text
    end: int


def decisions(text: str, *, preamble: bool) -> list[Decision]:
    """First sentence for each number 1..n; ParseError when numbers skip or outcomes disagree."""
    found: dict[int, Decision] = {}
    for match in _SENTENCE.finditer(text):
        if preamble and not match["pre"]:
            continue
        outcome = "Upheld" if match["neg"] else "Overturned"
        number = int(match["no"])
        seen = found.get(number)
        if seen is None:
            found[number] = Decision(number, match["item"], outcome, match.start(), match.end())
        elif seen.outcome != outcome:
            raise ParseError(R.BAD_ITEM, f"decision {number} is stated with two outcomes")
    if sorted(found) != list(range(1, len(found) + 1)):
        raise ParseError(R.BAD_ITEM, f"decision numbers {sorted(found)} are not 1..n")
    return [found[number] for number in sorted(found)]
