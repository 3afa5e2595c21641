"""A small, fully known IMR database for the app tests, built from ingest/schema.sql.

Deterministic: 240 letters, 2016-2019, four service categories, three reviewer specialties;
every fifth letter is real (not demo). Tests compute expected numbers with the queries layer
or from these same rules, never from the app.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl

SCHEMA = Path(__file__).resolve().parents[1] / "ingest" / "schema.sql"
CATEGORIES = [  # category, subcategory, drug class, every k-th decision overturned
    ("Pharmaceuticals", "Opioids", "Opioid analgesics", 9),
    ("Rehabilitation", "Physical therapy", "Not a drug", 6),
    ("Diagnostic Testing", "MRI", "Not a drug", 8),
    ("Evaluation & Management", "Consultation", "Not a drug", 3),
]
SPECIALTIES = ["Family Practice", "Physical Medicine & Rehabilitation", "Orthopedic Surgery"]
STATES = [["California"], ["California", "Ohio"], ["Texas"]]
LETTERS = 240


def case_number(i: int, decided: date) -> str:
    return f"CM{decided.year % 100:02d}-{i:07d}"


def build(
    path: Path, *, letters: int = LETTERS, source_dir: Path | None = None, index: bool = True
) -> Path:
    """Create the database at `path` (and its search index); returns `path`."""
    con = duckdb.connect(str(path))
    con.sql(SCHEMA.read_text())
    start = date(2016, 1, 4)
    letter_rows: list[list] = []
    decision_rows: list[list] = []
    for i in range(letters):
        decided = start + timedelta(days=i * 6)
        items = 1 + i % 3
        rows = []
        for n in range(1, items + 1):
            cat, sub, drug, k = CATEGORIES[(i + n) % len(CATEGORIES)]
            over = (i * 7 + n * 3) % k == 0
            words = "functional restoration program" if i % 10 == 0 else "physical therapy notes"
            rows.append(
                (
                    cat,
                    sub,
                    drug,
                    over,
                    f"{sub} request {i}-{n}",
                    f"The guideline supports {words} for case {i}; cost $100.",
                )
            )
        n_over = sum(r[3] for r in rows)
        outcome = (
            "Upheld" if n_over == 0 else "Overturned" if n_over == items else "Partially Overturned"
        )
        cn = case_number(i, decided)
        source, sha = f"/nonexistent/{cn}.pdf", f"{i:064x}"
        if source_dir is not None:  # a real file with its real hash: the Case page serves it
            source_dir.mkdir(parents=True, exist_ok=True)
            (source_dir / f"{cn}.txt").write_text(f"Letter {cn}\n")
            source = str(source_dir / f"{cn}.txt")
            sha = hashlib.sha256(f"Letter {cn}\n".encode()).hexdigest()
        letter_rows.append(
            [
                cn,
                cn,
                source,
                sha,
                decided - timedelta(days=27),
                date(2015, 5, 1),
                decided,
                decided - timedelta(days=50),
                decided - timedelta(days=35),
                SPECIALTIES[i % 3],
                [SPECIALTIES[i % 3]],
                STATES[i % 3],
                "California" in STATES[i % 3],
                30 + i % 40,
                "male" if i % 2 else "female",
                outcome,
                items,
                i % 5 != 0,
                f"Summary of case {i}: a {30 + i % 40} year old worker.",
                f"raw text {i}",
                datetime(2026, 1, 1),
            ]
        )
        for n, (cat, sub, drug, over, service, rationale) in enumerate(rows, start=1):
            decision_rows.append(
                [
                    cn,
                    n,
                    service,
                    cat,
                    sub,
                    drug,
                    "Overturned" if over else "Upheld",
                    over,
                    "MTUS" if n % 2 else "ODG",
                    None if n % 2 == 0 else "Chronic Pain",
                    rationale,
                ]
            )
    # one statement per table (one execute per row cost ~7 ms a row: 5 s a build)
    _insert_rows(
        con,
        "letters",
        "?, ?, 'format_d', ?, ?, 3, ?, ?, ?, ?, ?, 'Standard', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "'1', ?",
        letter_rows,
    )
    _insert_rows(  # rows in the same order as before: decision_no follows it
        con,
        "decisions",
        "?, ?, ?, null, null, false, ?, ?, ?, ?, ?, 'Decision based on MTUS Chronic Pain', "
        "'Decision based on ODG', 'MTUS', ?, 'Chronic Pain', ?, ?",
        decision_rows,
    )
    con.execute(
        "insert into quarantine values ('/in/broken.pdf', 'abc', 'extract', 'corrupt_pdf', "
        "'EOF marker not found', ?)",
        [datetime(2026, 1, 1)],
    )
    con.close()
    if index:
        from queries import build_search_index

        build_search_index(path)
    return path


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, values: str, rows: list[list]) -> None:
    """`insert into table values (values)` for every row in one statement: each `?` reads the
    row's next value from a data frame; columns left out (decision_no) take their default."""
    names = [f"c{k}" for k in range(len(rows[0]))]
    frame = pl.DataFrame(rows, schema=names, orient="row")  # noqa: F841 (read by the SQL)
    ordered = iter(names)
    select = re.sub(r"\?", lambda _: next(ordered), values)
    columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
    columns = columns[: select.count(",") + 1]
    con.execute(f"insert into {table} ({', '.join(columns)}) select {select} from frame")
