"""The app's sessions, its warm-up thread and its upload box share one process. DuckDB refuses
a second connection to a file already open in the process with another configuration
(read-only vs read-write, another memory limit) at once, with a ConnectionException instead of
the file lock other processes meet. A reader and the in-app upload must wait for each other
as they wait for another process, not fail."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from common.dblock import DbProblem, db_problem, is_lock_conflict
from imr.ingest_run import ingest_and_refresh
from ingest import store
from queries import open_db
from tests.paths import REAL_LETTERS, SEED_LETTER

HOLD_SECONDS = 0.8


def _hold(opener: Callable[[], duckdb.DuckDBPyConnection]) -> threading.Thread:
    """Open a connection in another thread, keep it HOLD_SECONDS, close it; returns once open."""
    opened = threading.Event()

    def run() -> None:
        con = opener()
        opened.set()
        threading.Event().wait(HOLD_SECONDS)
        con.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert opened.wait(10)
    return thread


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "imr.duckdb"
    ingest_and_refresh([SEED_LETTER], path, workers=1)
    return path


def test_the_in_process_refusal_is_classed_as_a_lock(db: Path) -> None:
    reader = open_db(db)
    try:
        with pytest.raises(duckdb.ConnectionException) as caught:
            duckdb.connect(str(db))
    finally:
        reader.close()
    assert db_problem(caught.value) is DbProblem.LOCKED
    assert is_lock_conflict(caught.value)
    assert not is_lock_conflict(duckdb.ConnectionException("Connection already closed!"))


def test_an_upload_waits_for_a_query_running_in_another_session(db: Path, tmp_path: Path) -> None:
    letter = tmp_path / "CM16-0213037.pdf"
    shutil.copy(REAL_LETTERS / letter.name, letter)
    holder = _hold(lambda: open_db(db))
    summary = ingest_and_refresh([letter], db, workers=1)
    holder.join()
    assert (summary.added, summary.quarantined) == (1, [])
    with open_db(db) as con:
        assert con.execute("select count(*) from letters").fetchall() == [(2,)]


def test_a_query_waits_for_an_upload_writing_in_another_session(db: Path) -> None:
    holder = _hold(lambda: store.connect(db))
    with open_db(db) as con:
        assert con.execute("select count(*) from letters").fetchall() == [(1,)]
    holder.join()
