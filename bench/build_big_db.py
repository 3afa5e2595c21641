"""Build the full-scale benchmark database: 1.7 M letters (~3.3 M decisions) in minutes.

This is the generator's FAST PATH, documented as such: letters are drawn as facts
(`demo.cases.draw_letter`), turned into rows by the real `ingest.rows` normaliser and
bulk-inserted into the store's own schema (`ingest/schema.sql`) in 50k-letter chunks. No PDF
is rendered, extracted or parsed (bench/ingest.py measures that path). Then the same
post-ingest steps a real ingest runs: the search index (and any derived tables).

Real letters arrive in decision-date order (DWC publishes by date, `imr fetch` files them
under their year, ingest walks names sorted), so a real archive is stored clustered by date;
the generator draws each letter's year at random. Before the caches are built, `imr
reorder`'s step (ingest/reorder.py) stores the rows in date order as a real ingest would:
without it an export of one year decodes ~3x the text (bench/RESULTS.md, "Export ...").

    .venv/bin/python bench/build_big_db.py [--letters N] [--quick] [--out bench/out/big.duckdb]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo, for ingest/queries
sys.path.insert(0, str(Path(__file__).resolve().parent))

from results import OUT, append_section, markdown, show
from synthetic_rows import chunk_frames

from ingest import store
from ingest.reorder import reorder
from queries.derived import refresh_derived
from queries.search_index import build_search_index, index_path_for

CHUNK = 50_000
FULL_LETTERS = 1_700_000


def _chunk(args: tuple[int, int, int]):
    return chunk_frames(*args)


def build(db_path: Path, letters: int, seed: int, workers: int) -> list[list[object]]:
    for p in (db_path, Path(f"{db_path}.wal"), index_path_for(db_path)):
        p.unlink(missing_ok=True)
    rows: list[list[object]] = []
    started = time.perf_counter()
    con = store.connect(db_path)
    chunks = [(s, min(CHUNK, letters - s), seed) for s in range(0, letters, CHUNK)]
    n_letters = n_decisions = 0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for letters_df, decisions_df in pool.map(_chunk, chunks):
            for table, frame in (("letters", letters_df), ("decisions", decisions_df)):
                con.register("chunk", frame)
                con.execute(f"insert into {table} by name select * from chunk")
                con.unregister("chunk")
            n_letters += letters_df.height
            n_decisions += decisions_df.height
            print(f"  {n_letters:,} letters, {n_decisions:,} decisions", end="\r", flush=True)
    con.execute("checkpoint")
    gen_s = time.perf_counter() - started
    rows.append(["generate + insert (fast path)", f"{gen_s:.1f}", f"{n_letters:,} letters"])
    t = time.perf_counter()
    moved = reorder(con)
    rows.append(["decision-date order (imr reorder)", f"{time.perf_counter() - t:.1f}",
                 f"{moved['letters']:,} letters were out of order"])  # fmt: skip
    t = time.perf_counter()
    derived = refresh_derived(con)
    con.close()
    rows.append(["derived tables (post-ingest)", f"{time.perf_counter() - t:.1f}", derived])
    t = time.perf_counter()
    info = build_search_index(db_path, incremental=False)
    rows.append(["search index (full build)", f"{time.perf_counter() - t:.1f}",
                 f"{info['indexed']:,} items"])  # fmt: skip
    rows.append(["total", f"{time.perf_counter() - started:.1f}", f"{n_decisions:,} decisions"])
    rows.append(["database file", "", _mb(db_path)])
    rows.append(["search index file", "", _mb(index_path_for(db_path))])
    return rows


def _mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:,.0f} MB" if path.exists() else "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--letters", type=int, default=FULL_LETTERS)
    ap.add_argument("--quick", action="store_true", help="50,000 letters")
    ap.add_argument("--seed", type=int, default=2013)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out", type=Path, default=OUT / "big.duckdb")
    args = ap.parse_args()
    letters = 50_000 if args.quick else args.letters
    args.out.parent.mkdir(parents=True, exist_ok=True)
    rows = build(args.out, letters, args.seed, args.workers)
    columns = ["step", "seconds", "result"]
    show(f"Benchmark database: {letters:,} letters -> {args.out}", columns, rows)
    append_section(
        f"Benchmark database build, {letters:,} letters",
        " ".join(["python bench/build_big_db.py", *sys.argv[1:]]),
        markdown(columns, rows),
        "Fast path: facts drawn by the demo generator, rows by the real normaliser, bulk "
        "insert into the store schema (no PDF render/extract/parse).",
    )


if __name__ == "__main__":
    main()
