"""Run extract -> parse -> normalise over files and folders; write in the parent, in batches.

Workers only compute; the parent alone writes, one transaction per batch, so an interrupted
run leaves whole letters behind and the next run carries on from the files not yet recorded.
This stops at the base tables: the query layer's caches are refreshed by the caller
(`imr/ingest_run.py`), so ingest never imports queries.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ingest import store
from ingest.errors import QuarantineReason as R
from ingest.extract import DEFAULT_EXTRACTOR
from ingest.model import PARSER_VERSION
from ingest.store import FailedFile, ParsedFile
from ingest.worker import FileJob, process_file

LETTER_SUFFIXES = {".pdf", ".txt"}
MAX_FILE_BYTES = 25 * 1024 * 1024  # real letters are 50-300 kB; anything this big is not one
DEMO_MARKER = "DEMO_CORPUS"  # a folder holding this file contains generated demo letters
BATCH_LETTERS = 250
BATCH_SECONDS = 2.0


@dataclass
class RunSummary:
    seen: int = 0
    added: int = 0
    skipped: int = 0
    duplicates: int = 0
    ignored: list[str] = field(default_factory=list)  # files in folders that are not PDF/TXT
    quarantined: list[FailedFile] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def reasons(self) -> Counter:
        return Counter(f.reason for f in self.quarantined)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        return 1 if self.quarantined else 0


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FailedFile], list[str]]:
    """Letter files under the given paths, problems found while walking, files ignored."""
    files: list[Path] = []
    problems: list[FailedFile] = []
    ignored: list[str] = []

    def walk_error(exc: OSError) -> None:
        problems.append(
            FailedFile(str(exc.filename), None, "read", R.UNREADABLE, exc.strerror or str(exc))
        )

    for path in paths:
        path = path.resolve()
        if path.is_dir():
            for root, dirs, names in os.walk(path, onerror=walk_error):
                dirs.sort()
                for name in sorted(names):
                    file = Path(root) / name
                    if file.suffix.lower() in LETTER_SUFFIXES:
                        files.append(file)
                    elif name != DEMO_MARKER and not name.startswith("."):
                        ignored.append(str(file))
        elif path.suffix.lower() in LETTER_SUFFIXES:
            files.append(path)
        else:
            problems.append(
                FailedFile(str(path), None, "read", R.UNSUPPORTED_TYPE, "not a .pdf or .txt file")
            )
    return files, problems, ignored


def ingest_paths(
    paths: Iterable[str | Path],
    db_path: str | Path,
    *,
    workers: int | None = None,
    extractor: str = DEFAULT_EXTRACTOR,
    max_bytes: int = MAX_FILE_BYTES,
    on_progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Ingest letters into the database at `db_path`; returns what happened to every file."""
    started = time.perf_counter()
    paths = [Path(p) for p in paths]
    files, problems, ignored = discover(paths)
    summary = RunSummary(seen=len(files) + len(problems), ignored=ignored)

    con = store.connect(db_path)
    try:
        known = store.known_files(con, PARSER_VERSION)
        run_id = store.start_run(con, [str(p) for p in paths], extractor)
    finally:
        con.close()
    known_shas = set(known["source_sha256"].to_list())
    known_stats = set(
        zip(known["source_path"], known["size_bytes"], known["mtime_ns"], strict=True)
    )

    jobs, early_failures = _plan(files, known_shas, known_stats, extractor, max_bytes, summary)
    pending_failed = problems + early_failures
    pending_parsed: list[ParsedFile] = []
    done = summary.skipped + summary.duplicates
    total = len(files)
    last_write = time.monotonic()

    def flush() -> None:
        nonlocal pending_parsed, pending_failed, last_write
        if not pending_parsed and not pending_failed:
            return
        con = store.connect(db_path)
        try:
            result = store.write_batch(con, pending_parsed, pending_failed, PARSER_VERSION)
        finally:
            con.close()
        summary.added += len(result.added)
        summary.duplicates += len(result.duplicates)
        summary.quarantined += result.quarantined
        pending_parsed, pending_failed = [], []
        last_write = time.monotonic()

    try:
        for outcome in _run_jobs(jobs, workers):
            if isinstance(outcome, ParsedFile):
                pending_parsed.append(outcome)
            else:
                pending_failed.append(outcome)
            done += 1
            if on_progress:
                on_progress(done, total)
            if (
                len(pending_parsed) + len(pending_failed) >= BATCH_LETTERS
                or time.monotonic() - last_write > BATCH_SECONDS
            ):
                flush()
        flush()
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        summary.seconds = time.perf_counter() - started
        con = store.connect(db_path)
        try:
            store.finish_run(con, run_id, _counts(summary), summary.interrupted)
        finally:
            con.close()
    return summary


def _plan(files, known_shas, known_stats, extractor, max_bytes, summary):
    """Per file: skip (known), duplicate (same bytes seen earlier), fail early, or parse."""
    jobs: list[FileJob] = []
    failures: list[FailedFile] = []
    run_shas: set[str] = set()
    demo_dirs: dict[Path, bool] = {}
    for file in files:
        try:
            stat = file.stat()
            if (str(file), stat.st_size, stat.st_mtime_ns) in known_stats:
                summary.skipped += 1
                continue
            with file.open("rb") as handle:
                sha = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError as exc:
            failures.append(FailedFile(str(file), None, "read", R.UNREADABLE, exc.strerror or ""))
            continue
        if sha in known_shas:
            summary.skipped += 1
        elif sha in run_shas:
            summary.duplicates += 1
        elif stat.st_size > max_bytes:
            run_shas.add(sha)
            detail = f"{stat.st_size:,} bytes; the limit is {max_bytes:,}"
            failures.append(
                FailedFile(
                    str(file), sha, "read", R.TOO_LARGE, detail, stat.st_size, stat.st_mtime_ns
                )
            )
        else:
            run_shas.add(sha)
            is_demo = _in_demo_corpus(file.parent, demo_dirs)
            jobs.append(FileJob(str(file), sha, stat.st_size, stat.st_mtime_ns, is_demo, extractor))
    return jobs, failures


def _in_demo_corpus(folder: Path, cache: dict[Path, bool]) -> bool:
    if folder not in cache:
        parent = folder.parent
        cache[folder] = (folder / DEMO_MARKER).exists() or (
            parent != folder and _in_demo_corpus(parent, cache)
        )
    return cache[folder]


def _run_jobs(jobs: list[FileJob], workers: int | None) -> Iterator[ParsedFile | FailedFile]:
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(jobs) < 8:
        yield from map(process_file, jobs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        try:
            yield from pool.map(process_file, jobs, chunksize=8)
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _counts(summary: RunSummary) -> dict:
    return {
        "seen": summary.seen,
        "added": summary.added,
        "skipped": summary.skipped,
        "duplicates": summary.duplicates,
        "quarantined": len(summary.quarantined),
    }
