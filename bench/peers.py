"""Five analyst questions, three engines, one table: this project's query layer against what an
analyst would otherwise reach for on the same decisions.

(a) `queries` on the DuckDB file (what the app and the CLI call), (b) SQLite holding the same
two tables with the same keys plus indexes on the two filtered columns (what Datasette would
serve), (c) polars on the Parquet file `imr export --format parquet` writes. The SQLite copy
and the Parquet export are built once into bench/out/ (their build times are reported, not
raced). Every engine's answers are checked equal to the query layer's before a time counts.

    .venv/bin/python bench/peers.py [--db bench/out/big.duckdb] [--reps 3] [--rebuild]

The SQLite copy leaves out `letters.raw_text` (~4 kB a letter that no question reads): in a
row store it would sit between the letter fields and slow every letters scan, so leaving it
out favours SQLite. Timings: one warm-up, then the median of `--reps` runs, warm OS cache.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import polars as pl
from results import OUT, append_section, markdown, show

import queries as q
from queries import Filters

EXPORT_FILTER = Filters(
    service_category=("Rehabilitation",), date_from=date(2019, 1, 1), date_to=date(2019, 12, 31)
)
QUESTIONS = (
    "overall rate",
    "rate by category",
    "quarterly trend",
    "specialty x category",
    "export, 65k rows with rationales (CSV)",
)
SQLITE_BATCH = 20_000
SQLITE_INDEXES = (  # beyond the primary keys: the two columns the export filters on
    "create index letters_decision_date on letters(decision_date)",
    "create index decisions_category on decisions(service_category)",
)


# ---------------------------------------------------------------------------- (a) queries


def ours(con) -> dict[str, Callable[[], object]]:
    """The calls the app makes for each question (charts skip the distinct-letter count)."""
    every = Filters()
    return {
        QUESTIONS[0]: lambda: _summary(q.summary(con, every)),
        QUESTIONS[1]: lambda: _groups(
            q.overturn_rate_by(con, "service_category", every, letters=False),
            ["service_category"],
        ),
        QUESTIONS[2]: lambda: _groups(
            q.trend(con, "quarter", every, letters=False).with_columns(
                pl.col("period").cast(pl.String)
            ),
            ["period"],
        ),
        QUESTIONS[3]: lambda: _groups(
            q.overturn_rate_by(
                con, "reviewer_specialty", every, by="service_category", letters=False
            ),
            ["service_category", "reviewer_specialty"],
        ),
        QUESTIONS[4]: lambda: q.export_bytes(con, EXPORT_FILTER)[1]["rows"],
    }


# ---------------------------------------------------------------------------- (b) SQLite

SQLITE_SUMMARY = """
select count(distinct d.letter_id), count(*), sum(d.overturned),
       min(l.decision_date), max(l.decision_date)
from decisions as d join letters as l on l.letter_id = d.letter_id
"""
SQLITE_BY_CATEGORY = """
select service_category, count(*), sum(overturned) from decisions group by service_category
"""
SQLITE_TREND = """
select printf('%s-%02d-01', substr(l.decision_date, 1, 4),
              ((cast(substr(l.decision_date, 6, 2) as integer) - 1) / 3) * 3 + 1) as period,
       count(*), sum(d.overturned)
from decisions as d join letters as l on l.letter_id = d.letter_id
where l.decision_date is not null
group by period
"""
SQLITE_TWO_WAY = """
select d.service_category, l.reviewer_specialty, count(*), sum(d.overturned)
from decisions as d join letters as l on l.letter_id = d.letter_id
group by d.service_category, l.reviewer_specialty
"""
SQLITE_EXPORT = """
select l.*, d.*
from decisions as d join letters as l on l.letter_id = d.letter_id
where d.service_category = ? and l.decision_date between ? and ?
order by d.letter_id, d.item_no
"""


def sqlite_calls(lite: sqlite3.Connection) -> dict[str, Callable[[], object]]:
    def rows(sql: str, *params: object) -> list[tuple]:
        return lite.execute(sql, params).fetchall()

    def export() -> int:
        cur = lite.execute(SQLITE_EXPORT, ("Rehabilitation", "2019-01-01", "2019-12-31"))
        sink = io.StringIO()  # what Datasette's .csv does: Python's csv module over the rows
        writer = csv.writer(sink)
        writer.writerow([c[0] for c in cur.description])
        n = 0
        while batch := cur.fetchmany(5_000):
            writer.writerows(batch)
            n += len(batch)
        return n

    return {
        QUESTIONS[0]: lambda: tuple(rows(SQLITE_SUMMARY)[0][:3]),
        QUESTIONS[1]: lambda: sorted(rows(SQLITE_BY_CATEGORY)),
        QUESTIONS[2]: lambda: sorted(rows(SQLITE_TREND)),
        QUESTIONS[3]: lambda: sorted(rows(SQLITE_TWO_WAY)),
        QUESTIONS[4]: export,
    }


def build_sqlite(db: Path, path: Path) -> float:
    """Copy letters (without raw_text) and decisions into SQLite with the same keys."""
    started = time.perf_counter()
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = q.open_db(db)
    with closing(sqlite3.connect(tmp)) as lite:
        lite.execute("pragma journal_mode = off")
        lite.execute("pragma synchronous = off")
        for table, key, skip in (
            ("letters", "primary key (letter_id)", {"raw_text"}),
            ("decisions", "primary key (letter_id, item_no)", set()),
        ):
            rel = con.table(table)
            types = {c: str(t) for c, t in zip(rel.columns, rel.dtypes, strict=True)}
            cols = [c for c in rel.columns if c not in skip]
            lite.execute(f"create table {table} ({', '.join(cols)}, {key})")
            select = ", ".join(f"{_as_sqlite(c, types[c])} as {c}" for c in cols)
            cur = con.cursor()
            cur.execute(f"select {select} from {table} order by letter_id")
            marks = ", ".join("?" * len(cols))
            while batch := cur.fetchmany(SQLITE_BATCH):
                lite.executemany(f"insert into {table} values ({marks})", batch)
            cur.close()
            lite.commit()
        for sql in SQLITE_INDEXES:
            lite.execute(sql)
        lite.execute("analyze")
        lite.commit()
    con.close()
    os.replace(tmp, path)
    return time.perf_counter() - started


# ---------------------------------------------------------------------------- (c) polars


def polars_calls(parquet: Path) -> dict[str, Callable[[], object]]:
    scan = pl.scan_parquet(parquet)
    counts = [pl.len().alias("decisions"), pl.col("overturned").sum().alias("overturned")]

    def export() -> int:
        frame = (
            scan.filter(
                (pl.col("service_category") == "Rehabilitation")
                & pl.col("decision_date").is_between(date(2019, 1, 1), date(2019, 12, 31))
            )
            .sort("letter_id", "item_no")
            .collect()
        )
        sink = io.BytesIO()
        frame.write_csv(sink)
        return frame.height

    return {
        QUESTIONS[0]: lambda: tuple(
            scan.select(pl.col("letter_id").n_unique(), *counts).collect().row(0)
        ),
        QUESTIONS[1]: lambda: sorted(
            scan.group_by("service_category").agg(counts).collect().rows()
        ),
        QUESTIONS[2]: lambda: sorted(
            scan.filter(pl.col("decision_date").is_not_null())
            .group_by(pl.col("decision_date").dt.truncate("1q").cast(pl.String).alias("period"))
            .agg(counts)
            .collect()
            .rows()
        ),
        QUESTIONS[3]: lambda: sorted(
            scan.group_by("service_category", "reviewer_specialty").agg(counts).collect().rows()
        ),
        QUESTIONS[4]: export,
    }


def _as_sqlite(column: str, duck_type: str) -> str:
    """Dates as ISO text, booleans as 0/1, lists as JSON text: how Datasette users store them."""
    if duck_type.endswith("[]"):
        return f"to_json({column})::varchar"
    if duck_type in ("DATE", "TIMESTAMP"):
        return f"{column}::varchar"
    if duck_type == "BOOLEAN":
        return f"{column}::int"
    return column


def build_parquet(db: Path, path: Path) -> float:
    """What an analyst gets from `imr export --format parquet` with no filter."""
    started = time.perf_counter()
    con = q.open_db(db)
    q.export(con, Filters(), path, "parquet")
    con.close()
    return time.perf_counter() - started


# ---------------------------------------------------------------------------- comparing


def _summary(frame: pl.DataFrame) -> tuple[int, int, int]:
    row = frame.row(0, named=True)
    return (row["letters"], row["decisions"], row["overturned"])


def _groups(frame: pl.DataFrame, keys: list[str]) -> list[tuple]:
    return sorted(frame.select(*keys, "decisions", "overturned").rows())


def timed(call: Callable[[], object], reps: int) -> tuple[float, object]:
    answer = call()  # warm-up (and the answer compared across engines)
    samples = []
    for _ in range(reps):
        t = time.perf_counter()
        call()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), answer


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=OUT / "big.duckdb")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--rebuild", action="store_true", help="rebuild the SQLite and Parquet copies")
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    lite_path = args.db.with_suffix(".peer.sqlite")
    parquet = args.db.with_suffix(".export.parquet")
    built = {}
    if args.rebuild or not lite_path.exists():
        built["SQLite copy"] = build_sqlite(args.db, lite_path)
    if args.rebuild or not parquet.exists():
        built["Parquet export"] = build_parquet(args.db, parquet)
    for name, seconds in built.items():
        print(f"built {name} in {seconds:.0f} s")

    con = q.open_db(args.db)
    lite = sqlite3.connect(f"file:{lite_path}?mode=ro", uri=True)
    engines = {
        "queries (DuckDB)": ours(con),
        "SQLite": sqlite_calls(lite),
        "polars": polars_calls(parquet),
    }
    load_before = os.getloadavg()[0]
    times: dict[str, dict[str, float]] = {}
    answers: dict[str, dict[str, object]] = {}
    for engine, calls in engines.items():
        for question, call in calls.items():
            ms, answer = timed(call, args.reps)
            times.setdefault(question, {})[engine] = ms
            answers.setdefault(question, {})[engine] = answer
            print(f"{engine:18} {question:42} {ms:9.0f} ms")
    load_after = os.getloadavg()[0]
    con.close()
    lite.close()

    mismatches = []
    for question, by_engine in answers.items():
        reference = by_engine["queries (DuckDB)"]
        for engine, answer in by_engine.items():
            if _normal(answer) != _normal(reference):
                mismatches.append(f"{question}: {engine} differs")
    columns = ["question", "queries (DuckDB) ms", "SQLite ms", "polars on Parquet ms",
               "SQLite / ours", "polars / ours"]  # fmt: skip
    rows = []
    for question in QUESTIONS:
        t = times[question]
        ours_ms = t["queries (DuckDB)"]
        lite_ms, polars_ms = t["SQLite"], t["polars"]
        rows.append([question, f"{ours_ms:,.0f}", f"{lite_ms:,.0f}", f"{polars_ms:,.0f}",
                     f"{lite_ms / ours_ms:,.1f}x", f"{polars_ms / ours_ms:,.1f}x"])  # fmt: skip
    decisions = answers[QUESTIONS[0]]["queries (DuckDB)"][1]
    title = f"Peers: five questions on {decisions:,} decisions" + (
        f" ({args.label})" if args.label else ""
    )
    show(title, columns, rows)
    sizes = {p.name: p.stat().st_size / 1e6 for p in (args.db, lite_path, parquet)}
    notes = (
        f"Median of {args.reps} runs after one warm-up, warm OS cache, one process; load "
        f"average {load_before:.1f} before / {load_after:.1f} after. Answers compared across "
        f"engines: {'all equal' if not mismatches else '; '.join(mismatches)}. Files: "
        + ", ".join(f"{k} {v:,.0f} MB" for k, v in sizes.items())
        + ". SQLite: letters (without raw_text) and decisions with the same primary keys, plus "
        "indexes on letters.decision_date and decisions.service_category; the export is "
        "Python's csv module over the rows (as Datasette's .csv). polars: lazy scans of the "
        "Parquet file `imr export --format parquet` writes (every decision with its letter "
        "fields), the export via `write_csv`. "
        + (
            "Built once: " + ", ".join(f"{k} {v:.0f} s" for k, v in built.items()) + "."
            if built
            else ""
        )
    )
    print(notes)
    append_section(title, " ".join(["python bench/peers.py", *sys.argv[1:]]),
                   markdown(columns, rows), notes)  # fmt: skip
    if mismatches:
        raise SystemExit(json.dumps(mismatches))


def _normal(answer: object) -> object:
    """Compare answers as plain ints and strings (SQLite returns 0/1 sums, polars u32)."""
    if isinstance(answer, list):
        return [_normal(a) for a in answer]
    if isinstance(answer, tuple):
        return tuple(_normal(a) for a in answer)
    if isinstance(answer, bool):
        return int(answer)
    return answer


if __name__ == "__main__":
    main()
