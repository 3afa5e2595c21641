"""Runs that span layers: ingest (files -> rows), then the query layer's caches.

`ingest/` stops at the base tables; the derived tables and the search index belong to
`queries/`. This module is the one place that runs both in order, for the CLI and the app's
upload box alike, so no caller can forget the refresh. Each run holds the database's writer
lock (`common/writelock.py`) from the first read to the last cache write, and every run, even
one that adds nothing, checks that the caches match the stored rows and repairs them: a run
killed between storing letters and indexing them is healed by the next one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from common.writelock import writer_lock
from ingest import store
from ingest.errors import QuarantineReason
from ingest.extract import DEFAULT_EXTRACTOR
from ingest.normalize import renormalize
from ingest.pipeline import MAX_FILE_BYTES, RunSummary, ingest_paths
from ingest.reorder import reorder
from queries.connection import index_path_for
from queries.derived import refresh_derived
from queries.derived_delta import update_derived
from queries.search_index import build_search_index, index_fresh

__all__ = [  # what the app's upload box uses of ingest, through this one module
    "QuarantineReason",
    "RunSummary",
    "check_and_repair",
    "ingest_and_refresh",
    "renormalize_and_refresh",
    "reorder_and_refresh",
    "repair_caches",
]


def ingest_and_refresh(
    paths: Iterable[str | Path],
    db_path: str | Path,
    *,
    workers: int | None = None,
    extractor: str = DEFAULT_EXTRACTOR,
    max_bytes: int = MAX_FILE_BYTES,
    on_progress: Callable[[int, int], None] | None = None,
    build_index: bool = True,
    replace: bool = False,
) -> RunSummary:
    """Ingest, then (unless interrupted) bring the derived tables and the search index in
    step with the rows. `seconds` covers both. Raises `WriterBusy` if another run writes."""
    with writer_lock(db_path):
        summary = ingest_paths(
            paths,
            db_path,
            workers=workers,
            extractor=extractor,
            max_bytes=max_bytes,
            on_progress=on_progress,
            replace=replace,
        )
        if not summary.interrupted:
            started = time.perf_counter()
            repair_caches(db_path, build_index=build_index)
            summary.seconds += time.perf_counter() - started
    return summary


def repair_caches(db_path: str | Path, *, build_index: bool = True) -> list[str]:
    """Rebuild what is out of step with the base tables; returns what was repaired.
    The caller holds the writer lock."""
    repaired = []
    con = store.connect(db_path)
    try:
        if update_derived(con) != "fresh":  # only the changed letters when few changed
            repaired.append("derived tables")
        if build_index and not index_fresh(con, index_path_for(db_path)):
            build_search_index(db_path, con=con)
            repaired.append("search index")
    finally:
        con.close()
    return repaired


def check_and_repair(db_path: str | Path) -> list[str]:
    """For `imr app` at start: repair stale caches under the writer lock."""
    with writer_lock(db_path):
        return repair_caches(db_path)


def renormalize_and_refresh(db_path: str | Path) -> dict[str, int]:
    """Recompute category columns from stored text; the derived copy must see the change."""
    with writer_lock(db_path):
        con = store.connect(db_path)
        try:
            changed = renormalize(con)
            if any(changed.values()):
                refresh_derived(con)
        finally:
            con.close()
    return changed


def reorder_and_refresh(db_path: str | Path, *, force: bool = False) -> dict[str, int]:
    """Store the base tables in decision-date order (ingest/reorder.py), then rebuild the
    derived tables (their letter_no is the letters' row id, which the rewrite changes). The
    search index is keyed by decision_no, which the rewrite keeps; it is checked, not rebuilt.
    Returns the rows that were out of order."""
    with writer_lock(db_path):
        con = store.connect(db_path)
        try:
            before = reorder(con, force=force)
            if force or any(before.values()):
                refresh_derived(con)
            if not index_fresh(con, index_path_for(db_path)):
                build_search_index(db_path, con=con)
        finally:
            con.close()
    return before
