"""What kind of failure is this DuckDB error? (a held lock, a full disk, not a database ...)

DuckDB raises a plain `IOException` for a held lock, a missing, unreadable or foreign file
alike, and carries no error code, so its message is the only signal. This is the one place
that reads it; callers branch on the answer, never on the text.
"""

from __future__ import annotations

import errno
from enum import StrEnum

import duckdb


class DbProblem(StrEnum):
    LOCKED = "locked"  # another process holds the file's lock, or this one has it open otherwise
    NOT_A_DATABASE = "not_a_database"  # random bytes, another format, a damaged header
    IS_DIRECTORY = "is_directory"
    READ_ONLY = "read_only"  # read-only file system or no permission to write
    DISK_FULL = "disk_full"
    MISSING = "missing"


_TEXT = (
    ("conflicting lock", DbProblem.LOCKED),
    ("could not set lock", DbProblem.LOCKED),
    # The same file already open in this process with another configuration (a reader's
    # read-only connection while the in-app upload opens it to write, or the reverse): DuckDB
    # refuses at once instead of taking the file lock. It passes as soon as the other closes.
    ("different configuration than existing connections", DbProblem.LOCKED),
    ("not a valid duckdb database", DbProblem.NOT_A_DATABASE),
    ("corrupt", DbProblem.NOT_A_DATABASE),
    ("checksum", DbProblem.NOT_A_DATABASE),
    ("is a directory", DbProblem.IS_DIRECTORY),
    ("no space left", DbProblem.DISK_FULL),
    ("disk quota", DbProblem.DISK_FULL),
    ("read-only file system", DbProblem.READ_ONLY),
    ("permission denied", DbProblem.READ_ONLY),
    ("database does not exist", DbProblem.MISSING),
)
_ERRNO = {
    errno.ENOSPC: DbProblem.DISK_FULL,
    errno.EDQUOT: DbProblem.DISK_FULL,
    errno.EROFS: DbProblem.READ_ONLY,
    errno.EACCES: DbProblem.READ_ONLY,
    errno.EPERM: DbProblem.READ_ONLY,
    errno.EISDIR: DbProblem.IS_DIRECTORY,
    errno.ENOTDIR: DbProblem.IS_DIRECTORY,
}


def db_problem(exc: BaseException) -> DbProblem | None:
    """The kind of a database or file-system failure, or None for anything else (a bug)."""
    if isinstance(exc, OSError):
        return _ERRNO.get(exc.errno or 0)
    if isinstance(exc, duckdb.Error):
        text = str(exc).lower()
        for needle, problem in _TEXT:
            if needle in text:
                return problem
    return None


def is_lock_conflict(exc: BaseException) -> bool:
    """True for "Could not set lock on file ...: Conflicting lock is held", or the same file
    open in this process with another configuration (both worth a retry)."""
    return (
        isinstance(exc, duckdb.IOException | duckdb.ConnectionException)
        and db_problem(exc) is DbProblem.LOCKED
    )
