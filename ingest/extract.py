"""Bytes -> page texts, from PDF (two interchangeable backends) or plain text.

Both PDF backends are normalised to the same text shape (LF line ends, no trailing spaces,
single spaces inside lines) so that the parse is identical whichever one read the file.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ingest.errors import ExtractError
from ingest.errors import QuarantineReason as R

EXTRACTORS = ("pypdfium2", "pdfplumber")
DEFAULT_EXTRACTOR = "pypdfium2"  # ~37x faster on the real letters; see README "Extraction"
MAX_PAGES = 200  # real letters have 2-12 pages; a 10,000-page "letter" is an attack or a mistake


_SPACES = re.compile(r"[ \t\u00a0]+")
_LINE_END_HYPHEN = re.compile(r"(?<=\w)-\n(?=\w)")
# Substrings normalize_page may change (a superset test, plain `in` checks: fast). Text
# without any of them, such as extract's own output, is returned as is: parse_letter
# normalises its input again, and this makes that second pass nearly free.
_MAYBE_NOT_NORMAL = (
    "\r",
    "\f",
    "\t",
    "\u00a0",
    "\ufffe",
    "\u00ad",
    "  ",
    " \n",
    "\n ",
    "\n\n",
    "-\n",
)


def _is_normal(text: str) -> bool:
    edges = text[:1] + text[-1:]
    return (
        " " not in edges
        and "\n" not in edges
        and not any(part in text for part in _MAYBE_NOT_NORMAL)
        and unicodedata.is_normalized("NFKC", text)
    )


def normalize_page(text: str) -> str:
    """One text shape for every source: LF, no form feeds, single spaces, no edge spaces."""
    return text if _is_normal(text) else _normalize(text)


def _normalize(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\ufffe", "-").replace("\u00ad", "-")  # pdfium's soft line-end hyphen
    text = unicodedata.normalize("NFKC", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    text = "\n".join(line for line in lines if line)
    # pdfium joins a line ending in a hyphen with the next one; do the same for every source.
    return _LINE_END_HYPHEN.sub("-", text)


def _pages_pypdfium2(data: bytes) -> list[str]:
    """pdfium's raw API: the helper objects of pypdfium2 (finalizers, weak references,
    parent/kid bookkeeping) cost ~1.5 ms a document, a sixth of a demo letter's extraction.
    The text range is taken as `PdfTextPage.get_text_range()` takes it (tests compare)."""
    import ctypes

    import pypdfium2 as pdfium  # initialises the library
    import pypdfium2.raw as raw

    doc = raw.FPDF_LoadMemDocument64(data, len(data), None)
    if not doc:
        code = raw.FPDF_GetLastError()
        if code == raw.FPDF_ERR_PASSWORD:
            raise ExtractError(R.ENCRYPTED_NO_PASSWORD, "the PDF needs a password to open")
        why = pdfium.internal.ErrorToStr.get(code)
        raise ExtractError(R.CORRUPT_PDF, f"Failed to load document (PDFium: {why}).")
    try:
        count = raw.FPDF_GetPageCount(doc)
        _check_pages(count)
        pages = []
        for index in range(count):
            page = raw.FPDF_LoadPage(doc, index)
            if not page:
                raise ExtractError(R.CORRUPT_PDF, f"Failed to load page {index + 1}.")
            try:
                textpage = raw.FPDFText_LoadPage(page)
                if not textpage:
                    raise ExtractError(R.CORRUPT_PDF, f"Failed to load text of page {index + 1}.")
                try:
                    pages.append(_text_range(raw, ctypes, textpage))
                finally:
                    raw.FPDFText_ClosePage(textpage)
            finally:
                raw.FPDF_ClosePage(page)
        return pages
    finally:
        raw.FPDF_CloseDocument(doc)


def _text_range(raw: Any, ctypes: Any, textpage: Any) -> str:
    """All of a text page: pypdfium2's `get_text_range()` (leading and trailing chars that
    have no text index are left out, https://crbug.com/pdfium/2079)."""
    c_start, c_end = 0, raw.FPDFText_CountChars(textpage) - 1
    while c_start <= c_end:
        t_start = raw.FPDFText_GetTextIndexFromCharIndex(textpage, c_start)
        if t_start == -1:
            c_start += 1
            continue
        t_end = raw.FPDFText_GetTextIndexFromCharIndex(textpage, c_end)
        if t_end == -1:
            c_end -= 1
            continue
        buffer = (ctypes.c_ushort * (t_end + 2 - t_start))()
        written = raw.FPDFText_GetText(textpage, c_start, c_end - c_start + 1, buffer)
        return bytes(memoryview(buffer)[: written - 1]).decode("utf-16-le", errors="ignore")
    return ""


def _pages_pdfplumber(data: bytes) -> list[str]:
    import io

    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(io.BytesIO(data), password="") as pdf:
            _check_pages(len(pdf.pages))
            return [page.extract_text() or "" for page in pdf.pages]
    except (ExtractError, MemoryError):
        raise
    except PDFPasswordIncorrect as exc:
        raise ExtractError(R.ENCRYPTED_NO_PASSWORD, "the PDF needs a password to open") from exc
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many types on broken files
        # pdfplumber wraps pdfminer's errors: PdfminerException(PDFPasswordIncorrect())
        if any(isinstance(arg, PDFPasswordIncorrect) for arg in exc.args):
            raise ExtractError(R.ENCRYPTED_NO_PASSWORD, "the PDF needs a password") from exc
        raise ExtractError(R.CORRUPT_PDF, f"{type(exc).__name__}: {exc}"[:300]) from exc


def _check_pages(count: int) -> None:
    if count > MAX_PAGES:
        raise ExtractError(R.RESOURCE_LIMIT, f"{count:,} pages; the limit is {MAX_PAGES}")


_PDF_BACKENDS: dict[str, Callable[[bytes], list[str]]] = {
    "pypdfium2": _pages_pypdfium2,
    "pdfplumber": _pages_pdfplumber,
}


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(data: bytes) -> str:
    """UTF-16 with a BOM (Windows Notepad's "Unicode"), UTF-8 (with or without BOM), else
    Windows-1252 as older exports use it."""
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def extract_pages(data: bytes, suffix: str, extractor: str = DEFAULT_EXTRACTOR) -> list[str]:
    """Page texts of one file's bytes; raises ExtractError with a quarantine reason."""
    if not data:
        raise ExtractError(R.EMPTY_FILE, "the file has zero bytes")
    if suffix.lower() == ".txt":
        pages = [normalize_page(page) for page in decode_text(data).split("\f")]
    else:
        if not data.startswith(b"%PDF"):
            raise ExtractError(R.NOT_A_PDF, "the file does not start with a PDF header")
        pages = [normalize_page(page) for page in _PDF_BACKENDS[extractor](data)]
    if not any(pages):
        reason = R.NO_TEXT_LAYER if suffix.lower() == ".pdf" else R.EMPTY_TEXT
        raise ExtractError(reason, f"{len(pages)} page(s) without any text")
    return pages


def extract_file(path: Path, extractor: str = DEFAULT_EXTRACTOR) -> list[str]:
    return extract_pages(path.read_bytes(), path.suffix, extractor)


def letter_text(pages: list[str]) -> str:
    """The text the parsers see: pages joined by newlines (page breaks carry no meaning)."""
    return "\n".join(page for page in pages if page)
