"""Bad input made by the tests themselves: each function writes one file and returns its path."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF


def _pdf(lines: list[str], *, user_password: str | None = None, text: bool = True) -> FPDF:
    pdf = FPDF()
    pdf.add_page()
    if user_password is not None:
        pdf.set_encryption(owner_password="owner", user_password=user_password)
    if text:
        pdf.set_font("Helvetica", size=11)
        for line in lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    else:  # vector shapes only: what a scan without OCR looks like to a text extractor
        for i in range(20):
            pdf.rect(20, 20 + i * 10, 150, 4, style="F")
    return pdf


def zero_byte(folder: Path) -> Path:
    path = folder / "empty.pdf"
    path.write_bytes(b"")
    return path


def truncated_pdf(folder: Path, source: Path) -> Path:
    path = folder / "truncated.pdf"
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def random_bytes_pdf(folder: Path) -> Path:
    path = folder / "random.pdf"
    path.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4096)))
    return path


def password_pdf(folder: Path) -> Path:
    path = folder / "locked.pdf"
    _pdf(["Case Number: CM16-0000001"], user_password="secret").output(str(path))
    return path


def image_only_pdf(folder: Path) -> Path:
    path = folder / "scan.pdf"
    _pdf([], text=False).output(str(path))
    return path


def not_a_letter_pdf(folder: Path) -> Path:
    path = folder / "invoice.pdf"
    _pdf(["INVOICE 2291", "Ergonomic chair, qty 2", "Total due: $840.00"]).output(str(path))
    return path


def no_items_txt(folder: Path, seed_text: str) -> Path:
    path = folder / "no-items.txt"
    path.write_text(seed_text.split("IMR ISSUES, DECISIONS AND RATIONALES")[0], encoding="utf-8")
    return path
