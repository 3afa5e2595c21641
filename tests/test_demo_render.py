"""Demo letters read back like real ones: header table shape, encryption, page breaks, forms."""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest

from demo.cases import generate_letters
from demo.compare import mismatches
from demo.corpus import letter_from_manifest, manifest_row, plan_files
from demo.render_pdf import pdf_bytes
from demo.render_text import letter_blocks, render_letter_text
from ingest.extract import extract_file, extract_pages, letter_text
from ingest.layouts import parse_letter
from tests.paths import REAL_LETTERS

REAL = REAL_LETTERS / "CM16-0213037.pdf"
LETTERS = [x for x in generate_letters(400, 99) if x.layout == "determination_2015"]


def _shape(text: str, lines: int = 6) -> list[str]:
    """The header's line structure with the values masked."""
    head = text.split("\n")[:lines]
    return [re.sub(r"CM\d\d-\d{7}|\d\d/\d\d/\d{4}|Standard|Expedited", "V", line) for line in head]


@pytest.mark.parametrize("extractor", ["pypdfium2", "pdfplumber"])
def test_header_table_extracts_in_the_real_letters_shape(extractor):
    if not REAL.exists():
        pytest.skip("../shared/real-letters not present")
    letter = replace(LETTERS[0], priority="Standard")
    data = pdf_bytes(letter_blocks(letter, random.Random(1)), encrypt=False)
    ours = letter_text(extract_pages(data, ".pdf", extractor))
    real = letter_text(extract_file(REAL, extractor))
    assert _shape(ours) == _shape(real)
    heading = "HOW THE IMR FINAL DETERMINATION WAS MADE"
    assert ours.split("\n").index(heading) == real.split("\n").index(heading)


def test_encrypted_pdf_opens_with_an_empty_password_like_published_letters():
    letter = LETTERS[1]
    data = pdf_bytes(letter_blocks(letter, random.Random(2)), encrypt=True)
    assert b"/Encrypt" in data
    assert parse_letter(letter_text(extract_pages(data, ".pdf"))) == parse_letter(
        render_letter_text(letter, random.Random(2))
    )


def test_long_letters_break_pages_mid_sentence():
    long_letter = max(LETTERS, key=lambda x: len(x.items))
    pages = extract_pages(
        pdf_bytes(letter_blocks(long_letter, random.Random(3)), encrypt=False), ".pdf"
    )
    assert len(pages) >= 4
    assert any(not page.rstrip().endswith((".", ":")) for page in pages[:-1])


def test_both_partial_sentence_forms_and_quantity_prefix_parse_to_the_truth():
    rng = random.Random(4)
    partial = [x for x in LETTERS if any(i.original_request for i in x.items)]
    forms = {"remaining": 0, "leaving": 0}
    for letter in partial:
        text = render_letter_text(letter, rng)
        forms["remaining"] += "remaining IMR eligible portion" in text
        forms["leaving"] += "leaving the original request IMR eligible" in text
        assert mismatches(letter, parse_letter(text)) == []
    assert forms["remaining"] and forms["leaving"]
    prefixed = [x for x in LETTERS if any(i.service.startswith("1 ") for i in x.items)]
    assert prefixed and all(x.decision_date.year == 2015 for x in prefixed)
    assert (
        "1 " in render_letter_text(prefixed[0], rng)
        and mismatches(prefixed[0], parse_letter(render_letter_text(prefixed[0], rng))) == []
    )


def test_manifest_row_round_trips_to_the_same_letter():
    for f in plan_files(60, 3):
        assert letter_from_manifest(manifest_row(f)) == f.letter


def test_every_vocabulary_service_gets_its_intended_category_from_the_normaliser():
    from demo.tables import all_services
    from ingest.normalize import classify_service

    for s in all_services():
        text = s.text.format(n=s.quantities[0]) if s.quantities else s.text
        got = classify_service(text)
        assert (got.category, got.subcategory, got.drug_class) == (
            s.category,
            s.subcategory,
            s.drug_class or "Not applicable",
        ), text


@pytest.mark.parametrize("extractor", ["pypdfium2", "pdfplumber"])
def test_pdf_needing_a_password_is_quarantined_as_such_by_both_extractors(extractor):
    """Regression: pdfplumber wraps PDFPasswordIncorrect, which once came out as corrupt_pdf."""
    from ingest.extract import ExtractError

    data = pdf_bytes(letter_blocks(LETTERS[2], random.Random(5)), encrypt=True, user_password="x")
    with pytest.raises(ExtractError) as caught:
        extract_pages(data, ".pdf", extractor)
    assert caught.value.reason == "encrypted_no_password"


def test_the_writers_glyph_widths_are_fpdf2s() -> None:
    """demo/font_widths.toml is a copy of fpdf2's table (kept out of `imr`'s start-up): line
    breaks, and so every page, depend on it."""
    from fpdf.fonts import CORE_FONTS_CHARWIDTHS

    from demo.pdf_writer import BASE_FONTS, char_widths

    assert set(char_widths()) == set(BASE_FONTS)
    for key, widths in char_widths().items():
        assert widths == CORE_FONTS_CHARWIDTHS[key], key


class FpdfCanvas:
    """fpdf2's FPDF as the renderer's canvas: the reference the fast writer must match."""

    def __init__(self) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(unit="pt", format="letter")
        self.pdf.set_auto_page_break(False)

    fontkey = property(lambda self: self.pdf.current_font.fontkey)
    size = property(lambda self: self.pdf.font_size_pt)
    cw = property(lambda self: self.pdf.current_font.cw)

    def add_page(self) -> None:
        self.pdf.add_page()

    def set_font(self, family: str, style: str, size: float) -> None:
        self.pdf.set_font(family, style, size)

    def set_line_width(self, width: float) -> None:
        self.pdf.set_line_width(width)

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.pdf.rect(x, y, w, h)

    def text(self, x: float, y: float, text: str) -> None:
        self.pdf.text(x, y, text)


def _page_streams(data: bytes) -> list[bytes]:
    """The decompressed content streams of an unencrypted PDF, in file order."""
    import zlib

    found = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S)
    return [zlib.decompress(stream).strip() for stream in found]


def test_fast_writer_draws_what_fpdf2_draws():
    """demo/pdf_writer.py writes the page operators fpdf2 writes for the same drawing calls,
    byte for byte (headings centred, tables ruled, pages broken in the same places), and
    both extractors read the same page texts from either file, encrypted or not."""
    from demo.render_pdf import draw_blocks

    for k, letter in enumerate(LETTERS[:20]):
        blocks = letter_blocks(letter, random.Random(k))
        reference = FpdfCanvas()
        reference.add_page()
        draw_blocks(reference, blocks)
        expected = bytes(reference.pdf.output())
        ours = pdf_bytes(blocks, encrypt=False)
        assert _page_streams(ours) == _page_streams(expected)
        assert len(_page_streams(ours)) == expected.count(b"/Type /Page\n")
        if k < 2:  # pdfplumber is slow; two letters (header table, page breaks) suffice
            encrypted = pdf_bytes(blocks, encrypt=True)
            for extractor in ("pypdfium2", "pdfplumber"):
                pages = extract_pages(expected, ".pdf", extractor)
                assert extract_pages(ours, ".pdf", extractor) == pages
                assert extract_pages(encrypted, ".pdf", extractor) == pages
    assert (
        sum(
            len(_page_streams(pdf_bytes(letter_blocks(x, random.Random(0)), encrypt=False)))
            for x in LETTERS[:20]
        )
        > 40
    )  # multi-page letters


def test_encrypted_letters_use_aes_like_the_published_ones():
    data = pdf_bytes(letter_blocks(LETTERS[3], random.Random(6)), encrypt=True)
    assert b"/CFM /AESV2" in data and b"/V 4 /R 4" in data
    assert not re.search(rb"BT .* Tj", data)  # no page text in the clear
