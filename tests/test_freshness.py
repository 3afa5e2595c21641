"""A hand edit of the public schema reaches every reader: `imr stats`, `imr export`, the app.

The derived tables are a cache built at ingest; an analyst fixing a misparse with UPDATE
changes neither the row counts nor the newest ingested_at, so only a content check sees it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from imr.cli import app as cli
from queries.derived import refresh_derived
from tests.querydb import build_query_db

HAND_EDIT = (
    "update decisions set overturned = true, outcome = 'Overturned' "
    "where service_category = 'Surgery'"
)


@pytest.fixture
def edited(tmp_path: Path) -> tuple[Path, int]:
    """A database whose derived tables were built, then hand-edited; (path, Surgery n)."""
    db = build_query_db(tmp_path / "imr.duckdb")
    with duckdb.connect(str(db)) as con:
        refresh_derived(con)
        before = con.sql(
            "select count(*) filter (where not overturned) from decisions "
            "where service_category = 'Surgery'"
        ).fetchall()[0][0]
        assert before > 0  # the edit changes something
        con.sql(HAND_EDIT)
        con.sql(  # and a misfiled item moved into Surgery: a row the cache files elsewhere
            "update decisions set service_category = 'Surgery', overturned = true, "
            "outcome = 'Overturned' where service_category = 'Diagnostic Testing' and item_no = 1"
        )
        (n,) = con.sql(
            "select count(*) from decisions where service_category = 'Surgery'"
        ).fetchall()[0]
    return db, n


def test_stats_shows_the_edited_numbers(edited) -> None:
    db, n = edited
    out = CliRunner().invoke(cli, ["stats", "--by", "service_category", "--db", str(db)])
    assert out.exit_code == 0, out.output
    line = next(x for x in out.output.splitlines() if "Surgery" in x)
    assert "100.0 %" in line and f"{n}" in line


def test_export_holds_the_edited_rows(edited, tmp_path: Path) -> None:
    db, n = edited
    target = tmp_path / "surgery.csv"
    args = ["export", "--where", "cat=Surgery", "--db", str(db), "--out", str(target)]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    rows = pl.read_csv(target)
    assert rows.height == n
    assert rows["overturned"].all() and set(rows["outcome"]) == {"Overturned"}


def test_app_shows_the_edited_numbers(edited, tmp_path: Path, monkeypatch) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    db, n = edited
    copy = tmp_path / "app.duckdb"
    shutil.copy(db, copy)
    monkeypatch.setenv("IMR_DB", str(copy))
    st.cache_data.clear()
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=30)
    at.query_params["cat"] = "Surgery"
    at.run()
    rate = next(m.value for m in at.metric if m.label == "Overturn rate (decisions)")
    assert rate == "100.0 %"
    assert next(m.value for m in at.metric if m.label == "Decisions (items)") == f"{n:,}"
