"""One writer per database: a lock file beside it (`imr.duckdb.lock`) holding the writer's pid.

DuckDB's own lock is taken per batch, so two `imr ingest` runs into one file would both run
(each reporting every letter as added) and two search-index builds would overwrite each
other. The lock is an `flock` on the file for the whole run: the kernel drops it when its
holder dies, so a lock left by a killed run (its pid no longer alive) is simply taken over.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WriterBusy(RuntimeError):
    """Another process is writing to this database now."""

    def __init__(self, db_path: Path, pid: int | None) -> None:
        who = f"process {pid}" if pid else "another process"
        super().__init__(f"{db_path} is being written by {who} (an `imr ingest` or an upload)")
        self.db_path, self.pid = db_path, pid


def lock_path_for(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


@contextmanager
def writer_lock(db_path: str | Path) -> Iterator[None]:
    """Hold the database's writer lock for the block; `WriterBusy` at once if it is held."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path_for(db_path), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WriterBusy(db_path, _holder(fd)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # the file stays (unlinking it would race a waiting writer)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).decode().strip() or 0) or None
    except (OSError, ValueError):
        return None
