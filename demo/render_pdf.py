"""Draw a letter as a PDF, laid out like the published letters.

Letter size, one-inch margins, Times 12 body, bold centred headings, and the page-1 header as
a ruled four-column table in Helvetica 11 whose `Application Received:` label wraps in its
cell: pypdfium2 then reads it back in the same shape as the real letters (`Priority: Standard
Application` / `Received:` / date). Lines flow across pages, so page breaks fall
mid-sentence. Published letters are encrypted with an empty user password and copy
restrictions; so are some demo ones.

Lines are broken here (greedy, cached word widths and paragraphs) and drawn on a canvas with
fpdf2's methods (`demo/pdf_writer.py`, which writes fpdf2's operators without fpdf2's cost;
the tests draw the same letters on fpdf2 itself and compare).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Protocol

from demo.pdf_writer import PAGE_H, PAGE_W, PdfCanvas
from demo.render_text import Block, letter_blocks
from ingest.model import Letter

MARGIN = 72.0
LINE = 13.8  # points between body lines (Times 12)
SIZE = 12.0
TABLE_X, TABLE_TOP, ROW_H, PAD = 66.8, 92.6, 13.2, 5.2
TABLE_COLS = (107.0, 149.5, 97.4, 124.0)  # label, value, label, value (points)
TITLE = "IMR Final Determination (synthetic demo letter)"
CREATOR = "imr-outcomes demo generator"


class Canvas(Protocol):
    """What the drawing needs: `PdfCanvas`, or fpdf2's FPDF behind an adapter in the tests."""

    fontkey: str
    size: float
    cw: dict[str, int]

    def add_page(self) -> None: ...
    def set_font(self, family: str, style: str, size: float) -> None: ...
    def set_line_width(self, width: float) -> None: ...
    def rect(self, x: float, y: float, w: float, h: float) -> None: ...
    def text(self, x: float, y: float, text: str) -> None: ...


class _Page:
    """A cursor over the pages: where the next line's baseline goes."""

    def __init__(self, pdf: Canvas) -> None:
        self.pdf = pdf
        self.y = MARGIN

    def width(self, word: str) -> float:
        widths = _word_widths(self.pdf.fontkey, self.pdf.size)
        w = widths.get(word)
        if w is None:
            cw = self.pdf.cw
            w = widths[word] = sum(map(cw.__getitem__, word)) * self.pdf.size * 0.001
        return w

    def wrap(self, text: str, width: float) -> list[str]:
        key = (self.pdf.fontkey, self.pdf.size, width, text)
        lines = _WRAPPED.get(key)
        if lines is None:
            if len(_WRAPPED) > 20_000:  # rationales rarely recur: keep the cache small
                _WRAPPED.clear()
            lines = _WRAPPED[key] = self._wrap(text, width)
        return lines

    def _wrap(self, text: str, width: float) -> list[str]:
        lines, words, used = [], [], 0.0
        space = self.width(" ")
        for word in text.split():
            w = self.width(word)
            if words and used + space + w > width:
                lines.append(" ".join(words))
                words, used = [], 0.0
            used += (space if words else 0.0) + w
            words.append(word)
        if words:
            lines.append(" ".join(words))
        return lines

    def line(self, text: str, centred: bool = False) -> None:
        if self.y + LINE > PAGE_H - MARGIN:
            self.pdf.add_page()
            self.y = MARGIN
        self.y += LINE
        x = (PAGE_W - self.width_of(text)) / 2 if centred else MARGIN
        self.pdf.text(x, self.y - 3.0, text)

    def width_of(self, text: str) -> float:
        return sum(self.width(w) for w in text.split()) + self.width(" ") * text.count(" ")


_WIDTHS: dict[tuple[str, float], dict[str, float]] = {}
# Boilerplate paragraphs recur in every letter: their line breaks are computed once a process.
_WRAPPED: dict[tuple[str, float, float, str], list[str]] = {}


def _word_widths(fontkey: str, size: float) -> dict[str, float]:
    widths = _WIDTHS.get((fontkey, size))
    if widths is None:
        widths = _WIDTHS[(fontkey, size)] = {}
    return widths


def _table(page: _Page, rows: tuple[tuple[str, ...], ...]) -> None:
    pdf = page.pdf
    pdf.set_line_width(0.5)
    top = TABLE_TOP
    for cells in rows:
        cell_lines = []
        for k, text in enumerate(cells):
            pdf.set_font("Helvetica", "B" if k % 2 == 0 else "", 11)
            cell_lines.append(page.wrap(text, TABLE_COLS[k] - 2 * PAD) or [""])
        height = ROW_H * max(len(lines) for lines in cell_lines) + 1
        x = TABLE_X
        for k, lines in enumerate(cell_lines):
            pdf.rect(x, top, TABLE_COLS[k], height)
            pdf.set_font("Helvetica", "B" if k % 2 == 0 else "", 11)
            for n, text in enumerate(lines):
                if text:
                    pdf.text(x + PAD, top + 10.2 + n * ROW_H, text)
            x += TABLE_COLS[k]
        top += height
    page.y = top + LINE


def draw_blocks(pdf: Canvas, blocks: list[Block]) -> None:
    page = _Page(pdf)
    body = PAGE_W - 2 * MARGIN
    for block in blocks:
        if block.kind == "table":
            _table(page, block.rows)
            continue
        heading = block.kind == "heading"
        pdf.set_font("Times", "B" if heading else "", SIZE)
        for part in block.text.split("\n"):
            for text in page.wrap(part, body):
                page.line(text, centred=heading)


def pdf_bytes(blocks: list[Block], *, encrypt: bool, user_password: str = "") -> bytes:
    canvas = PdfCanvas()
    canvas.add_page()
    draw_blocks(canvas, blocks)
    return canvas.output(title=TITLE, creator=CREATOR, encrypt=encrypt, user_password=user_password)


def write_letter_pdf(
    text_or_letter: Letter | str | list[Block],
    path: Path,
    *,
    encrypt: bool,
    rng: random.Random | None = None,
    user_password: str = "",
) -> None:
    """Write one letter PDF; plain text is drawn one paragraph a line (no table, no headings)."""
    if isinstance(text_or_letter, Letter):
        blocks = letter_blocks(text_or_letter, rng or random.Random(text_or_letter.case_number))
    elif isinstance(text_or_letter, str):
        blocks = [Block("para", line) for line in text_or_letter.splitlines() if line.strip()]
    else:
        blocks = text_or_letter
    path.write_bytes(pdf_bytes(blocks, encrypt=encrypt, user_password=user_password))
