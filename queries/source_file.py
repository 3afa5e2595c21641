"""A letter's source file, served only if it is still the file that was ingested.

`source_path` is data: a changed row, a moved file or a symlink swapped in must not make
the app serve an arbitrary file (it once served /etc/hostname). The bytes are returned only
for a regular file whose SHA-256 equals the stored `source_sha256`.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import duckdb

from common.paths import path_from_bytes
from queries.runner import run

MAX_SOURCE_BYTES = 25 * 1024 * 1024  # the ingest limit: nothing larger was ever stored


@dataclass(frozen=True)
class SourceFile:
    name: str  # the file name only, never the server path
    data: bytes | None  # None: not available, see `reason`
    reason: str = ""


def source_file(con: duckdb.DuckDBPyConnection, letter_id: str) -> SourceFile:
    found = run(con, "source_file", {"letter_id": letter_id})
    if found.is_empty():
        return SourceFile("", None, "no such letter")
    shown, raw, sha = found.row(0)
    path = path_from_bytes(raw) if raw is not None else Path(shown)
    return verified(path, sha, Path(shown).name)


def verified(path: Path, sha256: str, name: str) -> SourceFile:
    """The bytes of `path` if it is a regular file with this SHA-256, else the reason why not."""
    gone = "the source file is no longer available on this server"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return SourceFile(name, None, gone)
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SOURCE_BYTES:
            return SourceFile(name, None, gone)
        data = handle.read(MAX_SOURCE_BYTES + 1)
    if hashlib.sha256(data).hexdigest() != sha256:
        return SourceFile(name, None, "the source file has changed since it was ingested")
    return SourceFile(name, data)
