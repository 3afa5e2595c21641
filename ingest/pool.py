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
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ingest.errors import QuarantineReason as R
from ingest.limits import Limits, init_worker
from ingest.model import FailedFile, ParsedFile
from ingest.worker import FileJob, process_file

IN_FLIGHT_PER_WORKER = 2  # small, so a dead worker sends few innocent files to the retry
POLL_SECONDS = 0.25  # how soon a Ctrl-C is noticed while workers parse
WALL_SLACK_SECONDS = 30  # no result for cpu_seconds + this: the workers are stuck; kill them


def run_jobs(
    jobs: list[FileJob], workers: int, limits: Limits, check: Callable[[], None] = lambda: None
) -> Iterator[ParsedFile | FailedFile]:
    """One outcome per job (in completion order), whatever happens to the workers. `check`
    is called at least every POLL_SECONDS and may raise (KeyboardInterrupt) to stop."""
    if not jobs:
        return
    runner = _Runner(limits, check)
    try:
        yield from runner.run(deque(jobs), max(1, min(workers, len(jobs))))
        suspects, runner.suspects = runner.suspects, []
        for job in suspects:  # alone, so a second death names the file that caused it
            yield from runner.run(deque([job]), 1)
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

    def run(self, pending: deque[FileJob], workers: int) -> Iterator[ParsedFile | FailedFile]:
        """Outcomes of `pending`; the jobs in flight when a worker died go to `suspects`."""
        pool = self._new_pool(workers)
        in_flight: dict[Future, FileJob] = {}
        limit = self.limits.cpu_seconds
        timeout = limit + WALL_SLACK_SECONDS if limit else None
        progress = time.monotonic()
        while pending or in_flight:
            while pending and len(in_flight) < workers * IN_FLIGHT_PER_WORKER:
                job = pending.popleft()
                try:
                    in_flight[pool.submit(process_file, job)] = job
                except BrokenProcessPool:
                    pending.appendleft(job)
                    break
            if not in_flight:
                pool = self._new_pool(workers)
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
                if pending:
                    pool = self._new_pool(workers)
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
