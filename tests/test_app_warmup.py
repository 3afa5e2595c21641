"""The start-up warm-up: it covers every page's default queries, and a failure in it never
stops the app (ui/warmup.py)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests import appdb
from tests.keptdb import kept_open
from ui import data, warmup

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ["overview", "breakdown", "group_trends", "mix", "reviewers", "guidelines",
         "timeliness", "letters", "compare", "cases", "data"]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("warmdb")
    return appdb.build(folder / "imr.duckdb", source_dir=folder / "src")


@pytest.fixture
def runs(db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The database, an empty cache, a fresh warm-up state; records each query that ran
    (a cache miss) by name."""
    monkeypatch.setenv("IMR_DB", str(db))
    monkeypatch.delenv(warmup.SWITCH, raising=False)
    monkeypatch.setattr(warmup, "_started", None)
    st.cache_data.clear()
    ran: list[str] = []
    real = data._run

    def counting(fn, path, args, kwargs):
        ran.append(fn.__name__)
        return real(fn, path, args, kwargs)

    monkeypatch.setattr(data, "_run", counting)
    with kept_open(db):  # the app's per-query connects attach to one instance (tests/keptdb.py)
        yield ran


def visit(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if page != "overview":
        at.switch_page(f"ui/pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_after_the_warm_up_no_page_runs_a_query(runs: list[str]) -> None:
    assert warmup.warm() == 0
    assert len(runs) >= len(warmup.calls(warmup.Filters())) - 1  # compare's call runs several
    runs.clear()
    for page in PAGES:
        visit(page)
        assert runs == [], f"{page} ran {runs}: add it to ui/warmup.py calls()"


def test_without_the_warm_up_a_first_visit_runs_its_queries(runs: list[str]) -> None:
    visit("breakdown")  # the check above can fail: a cold page does run queries
    assert runs.count("overturn_rate_by") == 2  # the main chart and the open tab's, no other


def test_a_failing_query_is_logged_and_the_rest_still_warm(
    runs: list[str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(data, "trend", broken)
    with caplog.at_level(logging.WARNING, logger="imr.warmup"):
        assert warmup.warm() == 1
    assert "overview query failed: disk on fire" in caplog.text
    runs.clear()
    visit("breakdown")  # warmed after the failure
    assert runs == []


def test_the_switch_starts_it_once_after_the_first_page(
    runs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    visit("data")
    assert warmup._started is None  # off unless `imr app` asked for it
    monkeypatch.setenv(warmup.SWITCH, "1")
    visit("data")
    thread = warmup._started
    assert thread is not None
    thread.join(60)
    assert not thread.is_alive()
    assert "overturn_rate_by" in runs  # the other pages' queries ran in the background
    visit("data")
    assert warmup._started is thread  # once per process
    runs.clear()
    visit("breakdown")
    assert runs == []


def test_a_warm_up_that_cannot_start_never_stops_the_app(
    runs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_threads(*args, **kwargs):
        raise RuntimeError("can't start new thread")

    monkeypatch.setenv(warmup.SWITCH, "1")
    monkeypatch.setattr(warmup, "threading", SimpleNamespace(Thread=no_threads))
    at = visit("overview")
    assert at.title[0].value == "IMR outcomes"
    assert warmup.start_once() is None


def test_a_warm_up_whose_calls_fail_to_build_returns_a_failure(
    runs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warmup, "calls", lambda f: 1 / 0)
    assert warmup.warm() == 1


def test_no_database_no_warm_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMR_DB", str(tmp_path / "missing.duckdb"))
    monkeypatch.setenv(warmup.SWITCH, "1")
    monkeypatch.setattr(warmup, "_started", None)
    assert warmup.start_once() is None
    assert not os.path.exists(tmp_path / "missing.duckdb")


def test_imr_app_turns_it_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import imr.cli as cli

    db = tmp_path / "imr.duckdb"
    appdb.build(db, source_dir=tmp_path / "src")
    monkeypatch.setenv(warmup.SWITCH, "0")  # restored after the test, as is IMR_DB
    monkeypatch.setenv("IMR_DB", str(db))
    monkeypatch.setattr(cli.os, "execv", lambda exe, args: None)
    result = CliRunner().invoke(cli.app, ["app", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert os.environ[warmup.SWITCH] == "1"
    assert cli.WARMUP_SWITCH == warmup.SWITCH
