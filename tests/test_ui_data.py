"""ui.data: the pages' typed, cached query calls on the app's database."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st

import queries
from queries import connection
from tests.querydb import build_query_db
from ui import data


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_query_db(tmp_path_factory.mktemp("uidata") / "imr.duckdb", n_letters=30)


@pytest.fixture
def app_db(db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("IMR_DB", str(db))
    st.cache_data.clear()
    return db


def test_wrappers_are_the_real_queries_without_the_connection() -> None:
    assert data.summary.__wrapped__ is queries.summary
    assert list(inspect.signature(data.overturn_rate_by).parameters)[:2] == ["dimension", "f"]
    assert "con" not in inspect.signature(data.export_bytes).parameters


def test_results_equal_a_direct_call_and_never_mix_up_functions(app_db: Path) -> None:
    f = queries.Filters(priority=("Expedited",))
    with queries.open_db(app_db) as con:
        direct = queries.summary(con, f)
        versions, quarantined = queries.parser_versions(con), queries.quarantined(con)
    assert data.summary(f).equals(direct)
    assert data.summary(f).equals(direct)  # the cached answer is the same
    # two queries with the same (empty) arguments are cached apart
    assert data.parser_versions().equals(versions)
    assert data.quarantined().equals(quarantined)


def test_no_database_is_a_typed_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMR_DB", str(tmp_path / "missing.duckdb"))
    with pytest.raises(data.NoDatabase):
        data.summary(queries.Filters())
    with pytest.raises(data.NoDatabase):
        data.export_bytes(queries.Filters(), "csv")


def test_a_writer_holding_the_file_makes_the_database_busy(app_db: Path, monkeypatch) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(app_db)!r}); "
         "print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(connection, "LOCK_RETRY_SECONDS", 0.3)
        with pytest.raises(data.DatabaseBusy):
            data.decision_count(queries.Filters())
    finally:
        holder.communicate("")
