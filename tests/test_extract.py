"""Text extraction's one text shape: both backends, .txt decoding, and normalisation."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ingest import extract
from ingest.extract import ExtractError, extract_pages, normalize_page
from tests.paths import REAL_LETTERS

# Letters, spaces, the characters normalisation rewrites, and line ends, in any mix.
CHARACTERS = [
    "a",
    "b",
    " ",
    "-",
    ".",
    "\n",
    "\r",
    "\f",
    "\t",
    "\u00a0",
    "\ufffe",
    "\u00ad",
    "ﬁ",
    "\u2163",
]
MESSY = st.text(alphabet=st.sampled_from(CHARACTERS), max_size=60)


@settings(max_examples=400, deadline=None)
@given(MESSY)
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalize_page(text)
    assert normalize_page(once) == once


@settings(max_examples=400, deadline=None)
@given(MESSY | st.text(alphabet=st.sampled_from(["a", "-", "\n", " "]), max_size=12))
@example("x-\ny")  # pdfium's joined hyphen: the one rewrite without a tell-tale character
@example("a \nb")
@example("\u2163")
def test_the_fast_path_only_skips_text_the_slow_path_would_keep(text: str) -> None:
    assert normalize_page(text) == extract._normalize(text)


def test_real_letter_text_is_already_normal_after_extraction() -> None:
    pages = extract_pages((REAL_LETTERS / "CM16-0213037.pdf").read_bytes(), ".pdf")
    assert all(extract._is_normal(page) for page in pages)
    assert pages[0].splitlines()[0] == "Case Number: CM16-0213037"


def test_txt_falls_back_to_windows_1252_and_normalises_line_ends() -> None:
    data = "Case Number: CM16-0213037\r\nPriority:\u00a0Standard  \f\r\nDon\u2019t".encode("cp1252")
    pages = extract_pages(data, ".txt")
    assert pages == ["Case Number: CM16-0213037\nPriority: Standard", "Don\u2019t"]


def test_empty_and_textless_inputs_have_reasons() -> None:
    with pytest.raises(ExtractError) as empty:
        extract_pages(b"", ".pdf")
    assert empty.value.reason == "empty_file"
    with pytest.raises(ExtractError) as blank:
        extract_pages(b"  \r\n\f  ", ".txt")
    assert blank.value.reason == "empty_text"


def test_raw_pdfium_reads_what_pypdfium2s_helpers_read():
    """extract.py calls pdfium's raw API (speed); the text must be `get_text_range()`'s."""
    import random

    import pypdfium2 as pdfium

    from demo.cases import generate_letters
    from demo.render_pdf import pdf_bytes
    from demo.render_text import letter_blocks
    from ingest.extract import _pages_pypdfium2
    from tests.paths import REAL_LETTERS

    def helpers(data: bytes) -> list[str]:
        pdf = pdfium.PdfDocument(data)
        try:
            return [page.get_textpage().get_text_range() for page in pdf]
        finally:
            pdf.close()

    demo = [
        pdf_bytes(letter_blocks(x, random.Random(k)), encrypt=k % 2 == 0)
        for k, x in enumerate(generate_letters(10, 8))
    ]
    for data in [p.read_bytes() for p in sorted(REAL_LETTERS.glob("*.pdf"))] + demo:
        assert _pages_pypdfium2(data) == helpers(data)
