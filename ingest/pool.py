"""Worker processes for parsing, which survive a file that kills its worker.

A worker that exceeds its memory or CPU limit (`ingest/limits.py`) dies, and a
`ProcessPoolExecutor` then fails every pending file with `BrokenProcessPool`. Here the pool
is rebuilt and the files that were in flight are retried one at a time in a pool of their
own: a file that kills its worker a second time, alone, is quarantined as `resource_limit`;
the others are parsed as usual. Files always parse in a child process, never in the caller
(the app server must not be the process a hostile upload exhausts).
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ingest.errors import QuarantineReason as R
from ingest.limits import Limits, init_worker
from ingest.model import FailedFile, ParsedFile
from ingest.worker import FileJob, process_file

IN_FLIGHT_PER_WORKER = 2  # small, so a dead worker sends few innocent files to the retry
POLL_SECONDS = 0.25  # how soon a Ctrl-C is noticed while workers parse
WALL_SLACK_SECONDS = 30  # no result for cpu_seconds + this: the workers are stuck; kill them
_END = object()


def run_jobs(
    jobs: Iterable[FileJob | None],
    workers: int,
    limits: Limits,
    check: Callable[[], None] = lambda: None,
) -> Iterator[ParsedFile | FailedFile]:
    """One outcome per job (in completion order), whatever happens to the workers. `check`
    is called at least every POLL_SECONDS and may raise (KeyboardInterrupt) to stop.

    `jobs` may be a lazy iterator (files still being planned or written): it is drawn from
    only while a worker has room, and `None` from it means "none ready yet" (the iterator
    waits briefly itself before saying so). The pool starts with the first job, so a run
    without any starts no process."""
    if isinstance(jobs, Sized):
        if not jobs:
            return
        workers = min(workers, len(jobs))  # one file: one worker (fork starts all at once)
    runner = _Runner(limits, check)
    try:
        yield from runner.run(iter(jobs), max(1, workers))
        suspects, runner.suspects = runner.suspects, []
        for job in suspects:  # alone, so a second death names the file that caused it
            yield from runner.run(iter([job]), 1)
            if runner.suspects:
                runner.suspects = []
                yield _killed(job)
    finally:
        runner.close()


def _killed(job: FileJob) -> FailedFile:
    return FailedFile(
        path=job.path,
        sha256=job.sha256,
        stage="extract",
        reason=R.RESOURCE_LIMIT,
        detail="the parsing process died on this file twice (memory or CPU-time limit)",
        size_bytes=job.size_bytes,
        mtime_ns=job.mtime_ns,
    )


class _Runner:
    def __init__(self, limits: Limits, check: Callable[[], None]) -> None:
        self.limits, self.check = limits, check
        self.pool: ProcessPoolExecutor | None = None
        self.suspects: list[FileJob] = []  # in flight when a worker died

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        self.close()
        self.pool = ProcessPoolExecutor(
            max_workers=workers, initializer=init_worker, initargs=(os.getpid(), self.limits)
        )
        return self.pool

    def run(
        self, source: Iterator[FileJob | None], workers: int
    ) -> Iterator[ParsedFile | FailedFile]:
        """Outcomes of the jobs `source` yields; the jobs in flight when a worker died go to
        `suspects`."""
        pool: ProcessPoolExecutor | None = None
        pending: deque[FileJob] = deque()  # drawn from `source` but not submitted yet
        source_open = True
        in_flight: dict[Future, FileJob] = {}
        limit = self.limits.cpu_seconds
        timeout = limit + WALL_SLACK_SECONDS if limit else None
        progress = time.monotonic()
        while pending or source_open or in_flight:
            while len(in_flight) < workers * IN_FLIGHT_PER_WORKER:
                if pending:
                    job = pending.popleft()
                elif source_open:
                    drawn = next(source, _END)
                    if drawn is _END:
                        source_open = False
                        break
                    if drawn is None:  # nothing ready yet
                        break
                    job = drawn
                else:
                    break
                if pool is None:
                    pool = self._new_pool(workers)
                try:
                    in_flight[pool.submit(process_file, job)] = job
                except BrokenProcessPool:
                    pending.appendleft(job)
                    break
            if not in_flight:
                if pending:
                    pool = self._new_pool(workers)
                else:
                    self.check()  # waiting for the source to have a job ready
                continue
            done, _ = wait(in_flight, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            self.check()
            if not done:
                if timeout and time.monotonic() - progress > timeout:
                    self._kill_workers()  # stuck past any CPU limit (blocked in the kernel?)
                    progress = time.monotonic()
                continue
            progress = time.monotonic()
            if any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                wait(in_flight)  # every other future of a broken pool ends at once
                for future, job in in_flight.items():
                    exc = future.exception()
                    if isinstance(exc, BrokenProcessPool):
                        self.suspects.append(job)
                    else:
                        yield future.result() if exc is None else _failed(job, exc)
                in_flight = {}
                self.close()
                pool = None  # a new one with the next job
                continue
            for future in done:
                job = in_flight.pop(future)
                exc = future.exception()
                yield future.result() if exc is None else _failed(job, exc)

    def _kill_workers(self) -> None:
        for process in list(getattr(self.pool, "_processes", {}).values()):  # no public API
            if process.is_alive():
                process.kill()

    def close(self) -> None:
        if self.pool is not None:
            self._kill_workers()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _failed(job: FileJob, exc: BaseException) -> FailedFile:
    return FailedFile(
        path=job.path,
        sha256=job.sha256,
        stage="extract",
        reason=R.INTERNAL_ERROR,
        detail=f"{type(exc).__name__}: {exc}"[:500],
        size_bytes=job.size_bytes,
        mtime_ns=job.mtime_ns,
    )
