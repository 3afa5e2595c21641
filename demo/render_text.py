"""Letter -> letter text in its layout, the way the text layer of a published letter reads.

`letter_blocks` is the one description of a letter's page content; the .txt writer wraps it
and `render_pdf` draws it, so both file kinds carry the same words. Each block is a heading,
a paragraph (may hold forced line breaks) or the Format D header table (four columns a row).
"""

from __future__ import annotations

import random
import textwrap
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from ingest.model import Item, Letter

TXT_WIDTH = 95  # characters a line, like the extracted text of the real letters
TXT_PAGE_LINES = 46


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" | "para" | "table"
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@cache
def _words() -> dict:
    return tomllib.loads((Path(__file__).parent / "boilerplate.toml").read_text(encoding="utf-8"))


def _d(value: date | None) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def _short(value: date) -> str:
    return f"{value.month}/{value.day}/{value.year}"


def item_header(item: Item, rng: random.Random) -> str:
    if item.original_request is None:
        if rng.random() < 0.04:  # the outcome alone on the next line
            return f"{item.service}:\n{item.outcome}"
        sep = ":  " if item.service[:2] == "1 " else ": "  # 2015's double space
        return f"{item.service}{sep}{item.outcome}"
    if item.service == item.original_request:
        return (
            f"{item.original_request} was the original request. The Claims Administrator "
            f"authorized {item.authorized_portion}, leaving the original request IMR eligible. "
            f"The original request, {item.service} is: {item.outcome}"
        )
    is_ = " is" if rng.random() < 0.7 else ""
    return (
        f"{item.original_request} was the original request. {item.authorized_portion} was "
        f"authorized by the Claims Administrator. The remaining IMR eligible portion of the "
        f"original request, {item.service}{is_}: {item.outcome}"
    )


def _item_blocks(item: Item, rng: random.Random) -> list[Block]:
    paragraphs = item.rationale.split("\n")
    return [
        Block("para", item_header(item, rng)),
        Block("para", f"Claims Administrator guideline: {item.ca_guideline}"),
        Block("para", f"MAXIMUS guideline: {item.imr_guideline}"),
        Block("para", f"Decision rationale: {paragraphs[0]}"),
        *(Block("para", p) for p in paragraphs[1:]),
    ]


def _header_table(letter: Letter) -> Block:
    return Block(
        "table",
        rows=(
            ("Case Number:", letter.case_number or "", "", ""),
            (
                "Date Assigned:",
                _d(letter.date_assigned),
                "Date of Injury:",
                _d(letter.date_of_injury),
            ),
            (
                "Decision Date:",
                _d(letter.decision_date),
                "UR Denial Date:",
                _d(letter.ur_denial_date),
            ),
            (
                "Priority:",
                letter.priority or "",
                "Application Received:",
                _d(letter.application_received),
            ),
        ),
    )


def _credentials(letter: Letter, rng: random.Random) -> list[Block]:
    sep = "," if rng.random() < 0.5 else ", "
    return [
        Block("para", _words()["determination_2015"]["credentials_intro"]),
        Block("para", f"State(s) of Licensure: {sep.join(letter.reviewer_states)}"),
        Block("para", f"Certification(s)/Specialty: {', '.join(letter.reviewer_certifications)}"),
    ]


def _format_d(letter: Letter, rng: random.Random, headings: tuple[str, str, str]) -> list[Block]:
    w = _words()["determination_2015"]
    blocks = [_header_table(letter)] if letter.case_number else []
    if letter.layout == "maximus_2014":
        blocks = [Block("heading", t) for t in _words()["maximus_2014"]["title"]] + blocks
    blocks += [
        Block("heading", headings[0]),
        Block("para", w["how_made"]),
        *_credentials(letter, rng),
    ]
    if letter.layout == "maximus_2014":
        blocks += [
            Block("heading", "DOCUMENTS REVIEWED"),
            Block("para", _words()["maximus_2014"]["documents"]),
        ]
    blocks += [
        Block("heading", headings[1]),
        Block("para", w["summary_intro"]),
        Block("para", letter.clinical_summary),
        Block("heading", headings[2]),
        Block("para", w["items_intro"]),
    ]
    for item in letter.items:
        blocks += _item_blocks(item, rng)
    return blocks


def _licensure(letter: Letter) -> str:
    where = ", ".join(letter.reviewer_states)
    return (
        f"The physician reviewer is Board Certified in {letter.reviewer_certifications[0]} "
        f"and is licensed to practice in {where}."
    )


def _notice(letter: Letter) -> list[Block]:
    w = _words()["notice_2013"]
    decisions = [
        Block(
            "para",
            f"{i.item_no}) MAXIMUS Federal Services, Inc. has determined the request for "
            f"{i.service} is {'not ' if i.outcome == 'Upheld' else ''}medically necessary and "
            "appropriate.",
        )
        for i in letter.items
    ]
    opening = w["opening"].format(
        received=_short(letter.application_received), ur_denial=_short(letter.ur_denial_date)
    )
    return [
        Block("heading", "Notice of Independent Medical Review Determination"),
        Block("para", f"Dated: {_short(letter.decision_date)}"),
        Block("para", f"IMR Case Number: {letter.case_number}"),
        Block("para", f"Date of Injury: {_short(letter.date_of_injury)}"),
        Block("para", opening),
        Block("heading", "Final Determination"),
        *decisions,
        Block("para", _licensure(letter)),
        Block("para", w["closing"]),
    ]


def _professional_review(letter: Letter) -> list[Block]:
    w = _words()["professional_review_2013"]
    issues = [Block("para", f"{i.item_no}. {i.service}: {i.outcome}") for i in letter.items]
    return [
        Block("heading", "MEDICAL PROFESSIONAL REVIEW"),
        Block("para", f"Case Number: {letter.case_number}"),
        Block("para", f"Date of Injury: {_d(letter.date_of_injury)}"),
        Block("para", f"UR Denial Date: {_d(letter.ur_denial_date)}"),
        Block("para", f"Decision Date: {_d(letter.decision_date)}"),
        Block("heading", "ISSUE AT DISPUTE:"),
        *issues,
        Block("heading", "CASE SUMMARY:"),
        Block("para", letter.clinical_summary),
        Block("heading", "DOCUMENTS REVIEWED FOR DETERMINATION:"),
        Block("para", w["documents"]),
        Block(
            "heading",
            "MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:",
        ),
        Block("para", w["guidelines"]),
        Block(
            "heading",
            "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:",
        ),
        *(
            Block(
                "para",
                w["rationale"].format(
                    service=i.service, necessary="not " if i.outcome == "Upheld" else ""
                ),
            )
            for i in letter.items
        ),
        Block("heading", "MEDICAL REVIEWER QUALIFICATIONS:"),
        Block("para", _licensure(letter)),
    ]


def letter_blocks(letter: Letter, rng: random.Random) -> list[Block]:
    """The page content of a letter in its layout; `rng` picks only wording variants."""
    if letter.layout == "notice_2013":
        return _notice(letter)
    if letter.layout == "professional_review_2013":
        return _professional_review(letter)
    if letter.layout == "maximus_2014":
        return _format_d(
            letter,
            rng,
            (
                "HOW THE IMR FINAL DETERMINATION WAS MADE",
                "CLINICAL CASE SUMMARY",
                "IMR DECISION(S) AND RATIONALE(S)",
            ),
        )
    return _format_d(
        letter,
        rng,
        (
            "HOW THE IMR FINAL DETERMINATION WAS MADE",
            "CLINICAL CASE SUMMARY",
            "IMR ISSUES, DECISIONS AND RATIONALES",
        ),
    )


def _table_lines(rows: tuple[tuple[str, ...], ...]) -> list[str]:
    """pypdfium2's reading of the header table: the split `Application` / `Received:` cell."""
    lines = []
    for a, b, c, d in rows:
        if c.startswith("Application"):
            lines += [f"{a} {b} Application", "Received:", d]
        else:
            lines.append(" ".join(x for x in (a, b, c, d) if x))
    return lines


def blocks_to_text(blocks: list[Block], width: int | None = TXT_WIDTH) -> str:
    """Text of the blocks: wrapped like a letter's text layer, with form feeds between pages."""
    lines: list[str] = []
    for block in blocks:
        if block.kind == "table":
            lines += _table_lines(block.rows)
        elif width is None or block.kind == "heading":
            lines += block.text.split("\n")
        else:
            for part in block.text.split("\n"):
                lines += textwrap.wrap(part, width, break_on_hyphens=False, break_long_words=False)
    if width is None:
        return "\n".join(lines) + "\n"
    pages = ["\n".join(lines[k : k + TXT_PAGE_LINES]) for k in range(0, len(lines), TXT_PAGE_LINES)]
    return "\n\f".join(pages) + "\n"


def render_letter_text(letter: Letter, rng: random.Random) -> str:
    """The letter as a .txt file holds it: wrapped lines, pages separated by form feeds."""
    return blocks_to_text(letter_blocks(letter, rng))
