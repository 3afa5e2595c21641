"""Shared test fixtures: where ../shared lives, and a database of the 40 real letters."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL_LETTERS = SHARED / "real-letters"
SEED_LETTER = SHARED / "seed-letter.txt"


@pytest.fixture(scope="session")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 40 real letters ingested once per test session (read it; do not write to it)."""
    from ingest.pipeline import ingest_paths

    db = tmp_path_factory.mktemp("real") / "imr.duckdb"
    summary = ingest_paths([REAL_LETTERS], db, workers=1)
    assert summary.added == 40, summary
    return db
