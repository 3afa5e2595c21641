"""Exit codes and the one-line explanation of every failure a user can meet.

A held lock, a full or read-only disk, a folder or random bytes passed as `--db`: each gets
one clear line and its own exit code instead of a traceback (the README lists them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import duckdb
import typer
from rich.console import Console

from common.dblock import DbProblem, db_problem
from common.writelock import WriterBusy

EXIT_OK = 0
EXIT_QUARANTINED = 1  # also: not found, a check failed
EXIT_USAGE = 2
EXIT_BUSY = 3  # another process is writing to the database
EXIT_BAD_DATABASE = 4  # not a DuckDB database, damaged, or a folder
EXIT_CANNOT_WRITE = 5  # disk full, read-only file system, no permission
EXIT_SITE = 6  # imr fetch: the DWC site did not answer as documented
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM; whole letters are kept


class Failure(Exception):
    """A failure explained: `message` for the user, `code` for the shell."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def explain(exc: BaseException, db: Path) -> Failure | None:
    """The user's line for `exc`, or None when it is not a known kind (a bug: let it show)."""
    if isinstance(exc, Failure):
        return exc
    if isinstance(exc, WriterBusy):
        return Failure(f"{exc}; wait for it to finish, then run again.", EXIT_BUSY)
    if isinstance(exc, sqlite3.DatabaseError):
        return Failure(f"the search index beside {db} cannot be used ({exc})", EXIT_BAD_DATABASE)
    problem = db_problem(exc)
    target = getattr(exc, "filename", None) or db
    messages = {
        DbProblem.LOCKED: (
            f"{db} is locked by another program (an `imr ingest`, or a `duckdb` shell with the "
            "file open); close it and run again.",
            EXIT_BUSY,
        ),
        DbProblem.NOT_A_DATABASE: (
            f"{db} is not a DuckDB database, or it is damaged; pass the right --db "
            "(or move the file away and ingest again).",
            EXIT_BAD_DATABASE,
        ),
        DbProblem.IS_DIRECTORY: (
            f"{db} is a folder; --db takes a database file such as data/real.duckdb.",
            EXIT_BAD_DATABASE,
        ),
        DbProblem.READ_ONLY: (
            f"cannot write {target}: read-only file system or no permission.",
            EXIT_CANNOT_WRITE,
        ),
        DbProblem.DISK_FULL: (
            f"no space left on the device writing {target}; whole letters written so far are "
            "kept: free space and run again.",
            EXIT_CANNOT_WRITE,
        ),
        DbProblem.MISSING: (f"no database at {db}", EXIT_USAGE),
    }
    if problem is None:
        return None
    return Failure(*messages[problem])


@contextmanager
def explained(db: Path) -> Iterator[None]:
    """Turn known failures inside the block into `Failure` (one line, its exit code)."""
    try:
        yield
    except (OSError, duckdb.Error, sqlite3.DatabaseError, WriterBusy, Failure) as exc:
        failure = explain(exc, db)
        if failure is None:
            raise
        raise failure from exc


err = Console(stderr=True)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """The one error printer: `Error: <message>` on stderr, then exit with `code`."""
    err.print(f"[red]Error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
