"""The generator's fast path straight to store rows: no text rendering, no PDF, no parse.

`draw_letter` gives the facts of a case (with ~1 kB templated rationales and clinical
summaries); `ingest.rows` turns them into the public schema's rows with the real normaliser.
`raw_text` is not the rendered letter (rendering runs at ~3k letters/s/core) but a
stand-in of realistic length: boilerplate + summary + rationales, ~4-5 kB like a real letter.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import polars as pl

from demo.cases import draw_letter
from demo.tables import tables
from ingest.rows import decision_rows, letter_row

BUILT_AT = datetime(2026, 11, 1, 12, 0, 0)
# A real ingest stamps each batch of 250 letters (ingest/pipeline.py BATCH_LETTERS) with its
# write time. One stamp for all 1.7 M letters made the first upload's index sync re-read every
# letter "tied at the mark" (search_index._forget_replaced: 13.6 s once, bench/RESULTS.md).
BATCH_LETTERS = 250
BOILERPLATE = (
    "Independent Medical Review Final Determination Letter. Maximus Federal Services has "
    "completed the Independent Medical Review of the disputed items listed below. The "
    "Expert Reviewer is a licensed physician who has no material familiarity with the "
    "parties. This determination is final and binding, unless there is a successful appeal "
    "to the Workers' Compensation Appeals Board within 30 days of the date of this letter. "
) * 3


def chunk_frames(start: int, n: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Letters `start`..`start+n` of the big corpus (case numbers unique across chunks)."""
    t = tables()
    rng = random.Random(seed * 1_000_003 + start)
    letters, decisions = [], []
    for i in range(start, start + n):
        letter = draw_letter(i, rng, t, base=0)
        text = "\n\n".join(
            [f"Case Number: {letter.case_number}", BOILERPLATE, letter.clinical_summary or ""]
            + [item.rationale or "" for item in letter.items]
        )
        row = letter_row(
            letter, text=text, source_path=f"generated://big/{i}", source_sha256=f"gen{i:012d}",
            page_count=3 + len(letter.items), is_demo=True,
        )  # fmt: skip
        row["ingested_at"] = BUILT_AT + timedelta(seconds=i // BATCH_LETTERS)
        letters.append(row)
        decisions.extend(decision_rows(letter, row["letter_id"]))
    return pl.DataFrame(letters), pl.DataFrame(decisions)
