"""Opening a letter file safely: regular files only, never blocking, never unbounded.

A folder walk that filters by suffix alone would open a named pipe called `x.pdf` and wait
forever; a device file would stream without end. Every read in ingest goes through here:
the file is opened non-blocking and checked with fstat (S_ISREG) before a byte is read.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from ingest.errors import IngestError
from ingest.errors import QuarantineReason as R


def kind_of(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def open_regular(path: str | Path) -> tuple[int, os.stat_result]:
    """A read-only descriptor of a regular file and its stat; IngestError otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise IngestError(R.UNSUPPORTED_TYPE, f"{kind_of(st.st_mode)}, not a regular file")
        return fd, st
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of a regular file no larger than `max_bytes` (it may have grown since)."""
    fd, _st = open_regular(path)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise IngestError(R.TOO_LARGE, f"over {max_bytes:,} bytes")
    return data


def hash_regular(path: str | Path) -> tuple[str, os.stat_result]:
    """SHA-256 and stat of a regular file, read through the same checked descriptor."""
    fd, st = open_regular(path)
    with os.fdopen(fd, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest(), st
