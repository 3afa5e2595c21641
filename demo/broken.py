"""A handful of bad files for the demo's `broken/` folder, each with the quarantine reason
the ingest should give it. They show the quarantine at work in the app."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from demo.pdf_writer import PdfCanvas
from demo.render_pdf import pdf_bytes
from demo.render_text import Block, letter_blocks
from ingest.model import Letter

NOT_A_LETTER = (
    "Quarterly facilities report",
    "The parking structure on the east side will be resurfaced during the second week of the "
    "month. Staff are asked to use the overflow lot and to allow extra time in the morning.",
    "Meeting minutes: the committee reviewed the budget for office supplies and approved the "
    "purchase of two new printers for the records department.",
)


def _image_only_pdf() -> bytes:
    """A 'scanned' page: shapes only, no text layer."""
    pdf = PdfCanvas()
    pdf.add_page()
    rng = random.Random(7)
    for row in range(40):
        x = 72.0
        while x < 520:
            w = rng.uniform(8, 60)
            pdf.fill_rect(x, 90 + row * 15, w, 8, gray=40 / 255)
            x += w + rng.uniform(3, 6)
    return pdf.output(title="Scanned page", creator="imr demo")


def write_broken(
    folder: Path, letter: Letter, duplicate_of: Path, rng: random.Random
) -> list[dict]:
    """Write the bad files; returns their manifest rows (file, expected quarantine reason)."""
    folder.mkdir(parents=True, exist_ok=True)
    good = pdf_bytes(letter_blocks(letter, rng), encrypt=False)
    no_items = [
        b for b in letter_blocks(letter, rng) if b.text != "IMR ISSUES, DECISIONS AND RATIONALES"
    ]
    no_items = no_items[: next(i for i, b in enumerate(no_items) if b.text.startswith("The Final"))]
    files = {
        "truncated.pdf": (good[:300], "corrupt_pdf"),
        "scanned-image-only.pdf": (_image_only_pdf(), "no_text_layer"),
        "random-bytes.pdf": (rng.randbytes(4096), "not_a_pdf"),
        "facilities-report.pdf": (
            pdf_bytes(
                [Block("heading", NOT_A_LETTER[0]), *(Block("para", p) for p in NOT_A_LETTER[1:])],
                encrypt=False,
            ),
            "unknown_format",
        ),
        "letter-without-items.pdf": (pdf_bytes(no_items, encrypt=False), "no_items"),
        "zero-bytes.pdf": (b"", "empty_file"),
        "password-protected.pdf": (
            pdf_bytes(
                letter_blocks(replace(letter, case_number=None), rng),
                encrypt=True,
                user_password="secret",
            ),
            "encrypted_no_password",
        ),
    }
    rows = []
    for name, (data, reason) in files.items():
        (folder / name).write_bytes(data)
        rows.append({"file": f"{folder.name}/{name}", "expected": reason})
    copy = folder / f"copy-of-{duplicate_of.name}"
    copy.write_bytes(duplicate_of.read_bytes())
    rows.append(
        {
            "file": f"{folder.name}/{copy.name}",
            "expected": "duplicate",
            "duplicate_of": duplicate_of.name,
        }
    )
    return rows
