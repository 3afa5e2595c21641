"""Runs that span layers: ingest (files -> rows), then the query layer's caches.

`ingest/` stops at the base tables; the derived tables and the search index belong to
`queries/`. This module is the one place that runs both in order, for the CLI and the app's
upload box alike, so no caller can forget the refresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ingest import store
from ingest.extract import DEFAULT_EXTRACTOR
from ingest.normalize import renormalize
from ingest.pipeline import MAX_FILE_BYTES, RunSummary, ingest_paths
from queries.derived import refresh_derived
from queries.search_index import build_search_index


def ingest_and_refresh(
    paths: Iterable[str | Path],
    db_path: str | Path,
    *,
    workers: int | None = None,
    extractor: str = DEFAULT_EXTRACTOR,
    max_bytes: int = MAX_FILE_BYTES,
    on_progress: Callable[[int, int], None] | None = None,
    build_index: bool = True,
) -> RunSummary:
    """Ingest, then (when letters were added and the run was not interrupted) rebuild the
    derived tables and bring the search index in step. `seconds` covers both."""
    summary = ingest_paths(
        paths,
        db_path,
        workers=workers,
        extractor=extractor,
        max_bytes=max_bytes,
        on_progress=on_progress,
    )
    if summary.added and not summary.interrupted:
        started = time.perf_counter()
        refresh_caches(db_path, build_index=build_index)
        summary.seconds += time.perf_counter() - started
    return summary


def refresh_caches(db_path: str | Path, *, build_index: bool = True) -> None:
    """The query layer's pre-joined tables, then its full-text index."""
    con = store.connect(db_path)
    try:
        refresh_derived(con)
    finally:
        con.close()
    if build_index:
        build_search_index(db_path)


def renormalize_and_refresh(db_path: str | Path) -> dict[str, int]:
    """Recompute category columns from stored text; the derived copy must see the change."""
    con = store.connect(db_path)
    try:
        changed = renormalize(con)
        if any(changed.values()):
            refresh_derived(con)
    finally:
        con.close()
    return changed
