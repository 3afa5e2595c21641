"""Shared test fixtures: where ../shared lives, and a database of the 40 real letters."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import REAL_LETTERS, SEED_LETTER, SHARED


def pytest_configure(config: pytest.Config) -> None:
    """The real letters are test data the suite needs: missing, it stops instead of skipping."""
    if len(list(REAL_LETTERS.glob("*.pdf"))) != 40 or not SEED_LETTER.is_file():
        raise pytest.UsageError(
            f"The 40 real letters and the seed letter are expected in {SHARED} "
            "(the shared/ folder beside this repository)."
        )


@pytest.fixture(scope="session")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 40 real letters ingested once per test session (read it; do not write to it)."""
    from imr.ingest_run import ingest_and_refresh

    db = tmp_path_factory.mktemp("real") / "imr.duckdb"
    summary = ingest_and_refresh([REAL_LETTERS], db, workers=1)
    assert summary.added == 40, summary
    return db
