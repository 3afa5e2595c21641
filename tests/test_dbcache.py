"""tests/dbcache.py: a database built once per run is, in every copy, the database the builder
makes directly, and each caller's copy is its own file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from queries.connection import index_path_for
from tests import dbcache
from tests.querydb import SCHEMA, insert, make_rows

TABLES = ("letters", "decisions", "quarantine")


def rows(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: sorted(con.sql(f"select * from {t}").fetchall(), key=repr) for t in TABLES}


def test_copies_are_the_direct_build_and_the_builder_runs_once(tmp_path, monkeypatch):
    calls: list[Path] = []

    def build(path: Path, n_letters: int) -> Path:
        calls.append(path)
        with duckdb.connect(str(path)) as con:
            con.sql(SCHEMA.read_text("utf-8"))
            insert(con, *make_rows(n_letters, seed=3))
        index_path_for(path).write_bytes(b"index of " + bytes(str(n_letters), "ascii"))
        return path

    monkeypatch.setattr(dbcache, "run_folder", lambda: tmp_path / "run")
    cached = dbcache.once_per_run(build)
    first, second = cached(tmp_path / "a" / "imr.duckdb", 20), cached(tmp_path / "b.duckdb", 20)
    other = cached(tmp_path / "c" / "imr.duckdb", 21)
    assert len(calls) == 2  # 20 once, 21 once
    monkeypatch.setattr(dbcache, "run_folder", None)
    direct = cached(tmp_path / "imr.duckdb", 20)
    assert len(calls) == 3 and calls[-1] == direct
    assert rows(first) == rows(second) == rows(direct) != rows(other)
    assert index_path_for(second).read_bytes() == b"index of 20"
    with duckdb.connect(str(first)) as con:  # a copy is the caller's own
        con.sql("delete from decisions")
    assert rows(second)["decisions"] and not rows(first)["decisions"]


def test_an_existing_target_is_built_on_not_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(dbcache, "run_folder", lambda: tmp_path / "run")
    seen: list[bool] = []
    cached = dbcache.once_per_run(lambda path: seen.append(path.exists()) or path)
    target = tmp_path / "imr.duckdb"
    target.write_bytes(b"mine")
    assert cached(target) == target and seen == [True]
    assert target.read_bytes() == b"mine"


def test_a_failed_build_is_started_afresh(tmp_path, monkeypatch):
    monkeypatch.setattr(dbcache, "run_folder", lambda: tmp_path / "run")
    attempts: list[int] = []

    def build(path: Path) -> Path:
        attempts.append(1)
        with duckdb.connect(str(path)) as con:
            con.sql("create table t (x int)")  # fails on a leftover file
            if len(attempts) == 1:
                raise RuntimeError("half-built")
        return path

    cached = dbcache.once_per_run(build)
    with pytest.raises(RuntimeError):
        cached(tmp_path / "a.duckdb")
    assert cached(tmp_path / "b.duckdb").exists() and len(attempts) == 2
