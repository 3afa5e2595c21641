"""Golden output per real letter: the long text fields the hand-checked table leaves out.

`tests/expected/golden/<case>.json` holds, per letter, the start of the clinical summary and,
per item, both citations as written and the rationale's length and first words. A parser
change that moves a boundary (where a rationale starts or ends, which line is a citation)
shows up as a readable diff of these files.

Generated from the parser once, then reviewed by hand against the pypdfium2 text of
CM16-0213037, CM16-0230548 (summary start, both citations, where each rationale starts and
ends) and CM17-0002892 (three items, "did not cite any medical evidence" citations, the
148-character rationale that items 2 and 3 share word for word). All 40 are
`determination_2015`; no item has an empty citation.

Regenerate after an intended parser change, then review the diff against the PDFs' text:

    .venv/bin/python -m tests.golden
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.layouts import parse_letter
from ingest.model import Letter
from tests.layouts_helpers import REAL_LETTERS, real_text

GOLDEN_DIR = Path(__file__).parent / "expected" / "golden"
WORDS = 12


def first_words(text: str, n: int = WORDS) -> str:
    return " ".join(text.split()[:n])


def golden_of(letter: Letter) -> dict:
    """The reviewed shape of one parsed letter (small enough to read in a diff)."""
    return {
        "layout": letter.layout,
        "clinical_summary_start": first_words(letter.clinical_summary),
        "items": [
            {
                "item_no": item.item_no,
                "ca_guideline": item.ca_guideline,
                "imr_guideline": item.imr_guideline,
                "rationale_chars": len(item.rationale),
                "rationale_start": first_words(item.rationale),
            }
            for item in letter.items
        ],
    }


def as_json(golden: dict) -> str:
    return json.dumps(golden, indent=2, ensure_ascii=False) + "\n"


def path_for(case: str) -> Path:
    return GOLDEN_DIR / f"{case}.json"


def write_all() -> None:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for pdf in REAL_LETTERS:
        path_for(pdf.stem).write_text(as_json(golden_of(parse_letter(real_text(pdf.stem)))))


if __name__ == "__main__":
    write_all()
    print(f"wrote {len(REAL_LETTERS)} files to {GOLDEN_DIR}; review the diff before committing")
