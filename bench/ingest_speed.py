"""Ingest throughput against its ceiling (bare text extraction of the same files, same run).

Datasets: the 40 real letters in ../shared/real-letters (copied N times, each copy made
distinct by a trailing PDF comment so the hash-keyed skip does not drop it; copies of one
letter are then stored as duplicates after full extract + parse), and generated PDFs
(`demo.corpus.write_corpus`). For each extractor and worker count: the ceiling
(read + `extract_pages` over a process pool of the same size) and the full `ingest_and_refresh`
into a fresh database (extract, parse, normalise, store, derived tables, search index).
Then re-ingest of an unchanged 10,000-file folder of generated .txt letters.

    .venv/bin/python bench/ingest_speed.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from results import OUT, append_section, markdown, show

from demo.cases import generate_letters
from demo.corpus import write_corpus
from demo.render_text import render_letter_text
from imr.ingest_run import ingest_and_refresh
from ingest.extract import extract_pages

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-letters"
WORK = OUT / "ingest"


def _extract(job: tuple[str, str]) -> int:
    path, extractor = job
    return len(extract_pages(Path(path).read_bytes(), Path(path).suffix, extractor))


def ceiling(files: list[Path], extractor: str, workers: int) -> tuple[float, int]:
    """Seconds and pages for bare extraction of `files` with `workers` processes."""
    jobs = [(str(f), extractor) for f in files]
    started = time.perf_counter()
    if workers == 1:
        pages = sum(map(_extract, jobs))
    else:
        with ProcessPoolExecutor(workers) as pool:
            pages = sum(pool.map(_extract, jobs, chunksize=8))
    return time.perf_counter() - started, pages


def full_ingest(files: list[Path], extractor: str, workers: int) -> float:
    db = WORK / "run.duckdb"
    for p in WORK.glob("run.*"):
        p.unlink()
    summary = ingest_and_refresh(files, db, workers=workers, extractor=extractor)
    if summary.quarantined:
        print(f"  note: {len(summary.quarantined)} quarantined: {summary.reasons}")
    return summary.seconds


def real_copies(copies: int) -> list[Path]:
    folder = WORK / "real"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    out = []
    for k in range(copies):
        for pdf in sorted(REAL.glob("*.pdf")):
            target = folder / f"{pdf.stem}-{k}.pdf"
            target.write_bytes(pdf.read_bytes() + f"\n% bench copy {k}\n".encode())
            out.append(target)
    return out


def generated_pdfs(letters: int) -> list[Path]:
    folder = WORK / "generated"
    write_corpus(folder, letters=letters, seed=11, workers=os.cpu_count() or 1, broken=False)
    return sorted(folder.rglob("*.pdf"))


def txt_folder(n: int) -> Path:
    folder = WORK / "txt10k"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(5)
    for i, letter in enumerate(generate_letters(n, seed=5)):
        (folder / f"{i:05d}.txt").write_text(render_letter_text(letter, rng), encoding="utf-8")
    return folder


def throughput_rows(name: str, files: list[Path], extractor: str, workers: int) -> list:
    ceil_s, pages = ceiling(files, extractor, workers)
    ingest_s = full_ingest(files, extractor, workers)
    n = len(files)
    rates = [n / ceil_s, pages / ceil_s, n / ingest_s, pages / ingest_s]
    return [name, extractor, workers, n, pages, *(f"{r:,.1f}" for r in rates),
            f"{ingest_s / ceil_s:.2f}"]  # fmt: skip


def reingest_rows(n: int) -> list[list[object]]:
    folder = txt_folder(n)
    db = WORK / "reingest.duckdb"
    for p in WORK.glob("reingest.*"):
        p.unlink()
    first = ingest_and_refresh([folder], db)
    again = ingest_and_refresh([folder], db)
    for f in folder.iterdir():  # same bytes, new mtime: every file is hashed, none parsed
        os.utime(f)
    touched = ingest_and_refresh([folder], db)
    return [
        [f"first ingest of {n:,} .txt letters", first.added, f"{first.seconds:.1f}",
         f"{n / first.seconds:,.0f}"],
        ["re-ingest, unchanged (path+size+mtime skip)", again.skipped, f"{again.seconds:.2f}",
         f"{n / again.seconds:,.0f}"],
        ["re-ingest, mtimes touched (hash skip)", touched.skipped, f"{touched.seconds:.2f}",
         f"{n / touched.seconds:,.0f}"],
    ]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sets, seconds not minutes")
    ap.add_argument("--copies", type=int, default=30, help="copies of the 40 real letters")
    ap.add_argument("--letters", type=int, default=1000, help="generated corpus (~2/3 PDF)")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    cores = os.cpu_count() or 1
    real = real_copies(1 if args.quick else args.copies)
    generated = generated_pdfs(40 if args.quick else args.letters)
    plumber_n = 10 if args.quick else 40
    rows = []
    for workers in sorted({1, cores}):
        rows.append(throughput_rows("real letters", real, "pypdfium2", workers))
        rows.append(throughput_rows("generated PDFs", generated, "pypdfium2", workers))
        rows.append(throughput_rows("real letters", real[:plumber_n], "pdfplumber", workers))
        rows.append(throughput_rows("generated PDFs", generated[:plumber_n], "pdfplumber", workers))
    cols = ["files", "extractor", "workers", "n", "pages", "ceiling letters/s", "ceiling pages/s",
            "ingest letters/s", "ingest pages/s", "ingest / ceiling time"]  # fmt: skip
    show("Ingest vs bare extraction", cols, rows)
    re_rows = reingest_rows(1000 if args.quick else 10_000)
    re_cols = ["run", "files added/skipped", "seconds", "files/s"]
    show("Re-ingest of an unchanged folder", re_cols, re_rows)
    append_section(
        "Ingest throughput" + (" (quick)" if args.quick else ""),
        " ".join(["python bench/ingest_speed.py", *sys.argv[1:]]),
        markdown(cols, rows) + "\n\n" + markdown(re_cols, re_rows),
        "Ceiling = read + extract_pages only, same files, same process count, same run. "
        "Ingest = ingest_and_refresh into a fresh database, including the store, the derived "
        f"tables and the search index. Load average at the end: {os.getloadavg()[0]:.1f}.",
    )


if __name__ == "__main__":
    main()
