"""Run extract -> parse -> normalise over files and folders; write in the parent, in batches.

Workers only compute; the parent alone writes, one transaction per batch, so an interrupted
run leaves whole letters behind and the next run carries on from the files not yet recorded.
This stops at the base tables: the query layer's caches are refreshed by the caller
(`imr/ingest_run.py`), so ingest never imports queries.
"""

from __future__ import annotations

import os
import signal
import stat
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from common.paths import display_path, path_bytes
from ingest import store
from ingest.errors import IngestError
from ingest.errors import QuarantineReason as R
from ingest.extract import DEFAULT_EXTRACTOR
from ingest.files import hash_regular, kind_of
from ingest.limits import Limits
from ingest.model import PARSER_VERSION, FailedFile, ParsedFile
from ingest.pool import run_jobs
from ingest.worker import FileJob

LETTER_SUFFIXES = {".pdf", ".txt"}
MAX_FILE_BYTES = 25 * 1024 * 1024  # real letters are 50-300 kB; anything this big is not one
DEMO_MARKER = "DEMO_CORPUS"  # a folder holding this file contains generated demo letters
BATCH_LETTERS = 250
BATCH_SECONDS = 2.0
PRIVATE_BATCH_LETTERS = 1000  # no reader waits on a private file: fewer, larger transactions


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
    replace: bool = False,
    limits: Limits | None = None,
    private: bool = False,
    early: Iterable[Path | None] | None = None,
) -> RunSummary:
    """Ingest letters into the database at `db_path`; returns what happened to every file.

    `replace`: re-read the named files even when known, and let a letter whose case is
    already stored from different text replace it (instead of a `case_conflict`).
    `private`: no other process can know this file yet (a database being built under a
    temporary name): keep one connection for all batches instead of reopening it per batch
    so readers can come in between (each reopen + close costs ~0.3 s of schema check and
    checkpoint; the first start's 3,000 letters paid ~6 s of them).
    `early`: letter files under `paths` that the caller is still writing (the first start's
    demo corpus), each yielded once complete, `None` while none is ready. They are parsed as
    they come; when it ends, `paths` are walked as usual and every file not yet seen is
    planned then, so the outcome is that of a run started after the writing."""
    started = time.perf_counter()
    paths = [Path(p) for p in paths]
    stop = _StopRequest()
    with stop.installed():
        summary = RunSummary()
        known, run_id = _start_run(db_path, paths, extractor)
        if replace:
            known = KnownFiles(set(), set())
        batch = _Batch(db_path, summary, failed=[], stop=stop, replace=replace, private=private)
        planner = _Planner(known, extractor=extractor, max_bytes=max_bytes, stop=stop)
        try:
            jobs: Iterable[FileJob | None] = _jobs(paths, early, planner, summary, batch)
            if early is None:  # planned before any parsing, as one list: the pool's size fits it
                jobs = [job for job in jobs if job is not None]
            _parse_and_write(jobs, planner, batch, workers, limits, on_progress)
        except KeyboardInterrupt:
            summary.interrupted = True
        finally:
            summary.skipped = planner.skipped
            summary.duplicates += planner.duplicates
            batch.close()
            summary.seconds = time.perf_counter() - started
            with stop.deferred(then_stop=False):
                _finish_run(db_path, run_id, summary)
    return summary


def _jobs(
    paths: list[Path],
    early: Iterable[Path | None] | None,
    planner: _Planner,
    summary: RunSummary,
    batch: _Batch,
) -> Iterator[FileJob | None]:
    """The files to parse, planned one at a time as the pool has room: first the `early`
    ones (passing on its `None`s), then those of the walk not planned yet. The summary's
    `seen` and `ignored` come from the walk; files that fail before parsing join the batch."""
    planned: set[Path] = set()
    for file in early or ():
        if file is None:
            yield None
            continue
        file = Path(file).parent.resolve() / Path(file).name  # as discover() names it
        planned.add(file)
        yield from _planned(planner, file, batch)
    files, problems, ignored = discover(paths)
    summary.seen = len(planned.union(files)) + len(problems)
    summary.ignored = ignored
    batch.failed += problems
    planner.total = summary.seen
    for file in files:
        if file not in planned:
            yield from _planned(planner, file, batch)


def _planned(planner: _Planner, file: Path, batch: _Batch) -> Iterator[FileJob]:
    outcome = planner.plan(file)
    if isinstance(outcome, FailedFile):
        batch.failed.append(outcome)
    elif outcome is not None:
        yield outcome


class _StopRequest:
    """Ctrl-C and SIGTERM stop the run at the next safe point: between files, never between
    a batch's commit and its count, never inside the process pool's own locks (a
    KeyboardInterrupt raised there deadlocked its shutdown). The handler only records the
    request; `check()` raises KeyboardInterrupt where stopping is safe."""

    def __init__(self) -> None:
        self.requested = False
        self.depth = 0

    def _handle(self, signum: int, frame: object) -> None:
        self.requested = True

    def check(self) -> None:
        if self.requested and not self.depth:
            raise KeyboardInterrupt

    @contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # the app's script threads cannot take signals; the server handles them
            return
        previous = {
            sig: signal.signal(sig, self._handle) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    @contextmanager
    def deferred(self, *, then_stop: bool = True) -> Iterator[None]:
        """Signals inside the block wait; `then_stop`: a waiting one stops the run after it."""
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if then_stop:
            self.check()


@dataclass(frozen=True)
class KnownFiles:
    """What earlier runs of this parser version handled: by hash, and by path + size + mtime."""

    shas: set[str]
    stats: set[tuple[bytes, int, int]]  # path as file-system bytes, size, mtime


class _Planner:
    """What to do with each discovered file, decided before any parsing: skip it (known),
    count it a duplicate (same bytes as another file of this run), fail it early (too large,
    unreadable, not a regular file), or parse it (a FileJob)."""

    def __init__(
        self, known: KnownFiles, *, extractor: str, max_bytes: int, stop: _StopRequest
    ) -> None:
        self.known, self.extractor, self.max_bytes, self.stop = known, extractor, max_bytes, stop
        self.skipped = 0  # known to this parser version
        self.duplicates = 0  # same bytes as another file of this run
        self.total = 0  # files of the run, once the walk has counted them (for progress)
        self.run_shas: set[str] = set()
        self.demo_dirs: dict[Path, bool] = {}

    def plan(self, file: Path) -> FileJob | FailedFile | None:
        self.stop.check()
        try:
            st = file.stat()
            if not stat.S_ISREG(st.st_mode):  # a named pipe would block the run for ever
                detail = f"{kind_of(st.st_mode)}, not a regular file"
                return FailedFile(str(file), None, "read", R.UNSUPPORTED_TYPE, detail)
            if (path_bytes(file), st.st_size, st.st_mtime_ns) in self.known.stats:
                self.skipped += 1
                return None
            sha, st = hash_regular(file)
        except IngestError as exc:
            return FailedFile(str(file), None, "read", exc.reason, exc.detail)
        except OSError as exc:
            return FailedFile(str(file), None, "read", R.UNREADABLE, exc.strerror or "")
        if sha in self.known.shas:
            self.skipped += 1
            return None
        if sha in self.run_shas:
            self.duplicates += 1
            return None
        self.run_shas.add(sha)
        if st.st_size > self.max_bytes:
            detail = f"{st.st_size:,} bytes; the limit is {self.max_bytes:,}"
            return FailedFile(
                str(file), sha, "read", R.TOO_LARGE, detail, st.st_size, st.st_mtime_ns
            )
        is_demo = _in_demo_corpus(file.parent, self.demo_dirs)
        return FileJob(
            str(file), sha, st.st_size, st.st_mtime_ns, is_demo, self.extractor, self.max_bytes
        )


def _start_run(db_path: str | Path, paths: list[Path], extractor: str) -> tuple[KnownFiles, int]:
    con = store.connect(db_path)
    try:
        known = store.known_files(con, PARSER_VERSION)
        run_id = store.start_run(con, [display_path(p) for p in paths], extractor)
    finally:
        con.close()
    raw = [
        r if r is not None else p.encode("utf-8")
        for r, p in zip(known["source_path_raw"], known["source_path"], strict=True)
    ]
    stats = zip(raw, known["size_bytes"], known["mtime_ns"], strict=True)
    return KnownFiles(set(known["source_sha256"].to_list()), set(stats)), run_id


def _finish_run(db_path: str | Path, run_id: int, summary: RunSummary) -> None:
    con = store.connect(db_path)
    try:
        store.finish_run(con, run_id, _counts(summary), summary.interrupted)
    finally:
        con.close()


class _Batch:
    """Outcomes waiting to be written; written as one transaction when full or old."""

    def __init__(
        self,
        db_path: str | Path,
        summary: RunSummary,
        failed: list[FailedFile],
        stop: _StopRequest,
        *,
        replace: bool = False,
        private: bool = False,
    ):
        self.db_path, self.summary, self.stop, self.replace = db_path, summary, stop, replace
        self.parsed: list[ParsedFile] = []
        self.failed = failed
        self.last_write = time.monotonic()
        self.private = private
        self.con: duckdb.DuckDBPyConnection | None = None  # kept between batches if private

    def add(self, outcome: ParsedFile | FailedFile) -> None:
        (self.parsed if isinstance(outcome, ParsedFile) else self.failed).append(outcome)

    def due(self) -> bool:
        waiting = len(self.parsed) + len(self.failed)
        if self.private:
            return waiting >= PRIVATE_BATCH_LETTERS
        return waiting >= BATCH_LETTERS or time.monotonic() - self.last_write > BATCH_SECONDS

    def write(self) -> None:
        if not self.parsed and not self.failed:
            return
        with self.stop.deferred():  # commit and count together, or neither
            con = self.con or store.connect(self.db_path)
            try:
                result = store.write_batch(
                    con, self.parsed, self.failed, PARSER_VERSION, replace=self.replace
                )
            finally:
                if self.private:
                    self.con = con
                else:
                    con.close()
            self.summary.added += len(result.added)
            self.summary.duplicates += len(result.duplicates)
            self.summary.quarantined += result.quarantined
            self.parsed, self.failed = [], []
            self.last_write = time.monotonic()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


def _parse_and_write(
    jobs: Iterable[FileJob | None],
    planner: _Planner,
    batch: _Batch,
    workers: int | None,
    limits: Limits | None,
    on_progress: Callable[[int, int], None] | None,
) -> None:
    limits = limits or Limits.from_env()
    outcomes = run_jobs(jobs, workers or os.cpu_count() or 1, limits, batch.stop.check)
    for parsed, outcome in enumerate(outcomes, start=1):
        batch.add(outcome)
        if on_progress:
            on_progress(parsed + planner.skipped + planner.duplicates, planner.total)
        if batch.due():
            batch.write()
    batch.write()


def _in_demo_corpus(folder: Path, cache: dict[Path, bool]) -> bool:
    if folder not in cache:
        parent = folder.parent
        cache[folder] = (folder / DEMO_MARKER).exists() or (
            parent != folder and _in_demo_corpus(parent, cache)
        )
    return cache[folder]


def _counts(summary: RunSummary) -> dict:
    return {
        "seen": summary.seen,
        "added": summary.added,
        "skipped": summary.skipped,
        "duplicates": summary.duplicates,
        "quarantined": len(summary.quarantined),
    }
