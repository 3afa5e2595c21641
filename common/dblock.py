"""Is this DuckDB error another process holding the file's lock?

DuckDB raises a plain `IOException` for a held lock, the same type as for a missing or
unreadable file, and carries no error code, so its message is the only signal. This is the
one place that reads it; callers branch on the answer, never on the text.
"""

from __future__ import annotations

import duckdb


def is_lock_conflict(exc: BaseException) -> bool:
    """True for "Could not set lock on file ...: Conflicting lock is held" (worth a retry)."""
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()
