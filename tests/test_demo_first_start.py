"""The first start's demo database: the corpus is ingested while it is being written, and the
database is the one a plain ingest of the finished corpus gives; an interrupted build leaves
neither a database nor a corpus the next start would trust."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

import ingest.pipeline
from demo.corpus import MANIFEST, write_corpus
from imr.demo_run import build_demo_database
from ingest.pipeline import ingest_paths

LETTERS = 260  # above the 200 below which the corpus is drawn without worker processes
SEED = 5

TABLES = {  # table: (sort key, columns that differ between runs by design)
    "letters": (["letter_id"], ["ingested_at"]),
    "decisions": (["letter_id", "item_no"], ["decision_no"]),  # numbered in completion order
    "source_files": (["source_sha256"], ["seen_at"]),
    "quarantine": (["source_path"], ["seen_at"]),
}


def _rows(db: Path, table: str) -> pl.DataFrame:
    key, varying = TABLES[table]
    with duckdb.connect(str(db), read_only=True) as con:
        frame = con.sql(f"select * from {table}").pl()
    return frame.drop(varying).sort(key)


def _planned_before_manifest(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[bool]:
    """Per planned file: whether the corpus's manifest (written last) existed yet."""
    seen: list[bool] = []
    real_plan = ingest.pipeline._Planner.plan

    def plan(self, file):
        seen.append((folder / MANIFEST).exists())
        return real_plan(self, file)

    monkeypatch.setattr(ingest.pipeline._Planner, "plan", plan)
    return seen


def test_the_corpus_is_parsed_while_written_and_gives_the_plain_ingests_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "demo"
    manifest_seen = _planned_before_manifest(monkeypatch, folder)
    summary = build_demo_database(tmp_path / "imr.duckdb", folder, letters=LETTERS, seed=SEED)
    # the fast path was taken: most files were planned (and parsed) before the corpus was done
    assert manifest_seen.count(False) >= LETTERS // 2
    assert (folder / MANIFEST).exists()
    assert (tmp_path / "imr.duckdb").exists()
    assert not (tmp_path / "imr.building.duckdb").exists()

    # the general path: the finished corpus written again, then ingested as a folder
    plain_folder = tmp_path / "plain" / "demo"
    write_corpus(plain_folder, letters=LETTERS, seed=SEED, workers=1)
    for f in folder.rglob("*"):
        if f.is_file():
            assert f.read_bytes() == (plain_folder / f.relative_to(folder)).read_bytes(), f
    plain = ingest_paths([folder], tmp_path / "plain.duckdb")  # the same paths as the demo's
    assert (summary.seen, summary.added, summary.duplicates, summary.ignored) == (
        plain.seen,
        plain.added,
        plain.duplicates,
        plain.ignored,
    )
    assert sorted(f.path for f in summary.quarantined) == sorted(f.path for f in plain.quarantined)
    assert summary.added > LETTERS * 0.9
    for table in TABLES:
        demo_rows = _rows(tmp_path / "imr.duckdb", table)
        assert demo_rows.height > 0, table
        assert demo_rows.equals(_rows(tmp_path / "plain.duckdb", table)), table


def test_a_complete_corpus_is_ingested_as_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "demo"
    write_corpus(folder, letters=LETTERS, seed=SEED)
    manifest_seen = _planned_before_manifest(monkeypatch, folder)
    build_demo_database(tmp_path / "imr.duckdb", folder, letters=LETTERS, seed=SEED)
    assert manifest_seen and all(manifest_seen)


def test_an_interrupted_first_start_leaves_nothing_the_next_one_trusts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, db = tmp_path / "demo", tmp_path / "imr.duckdb"
    real_plan = ingest.pipeline._Planner.plan
    planned = []

    def plan_then_stop(self, file):
        planned.append(file)
        if len(planned) == 120:  # what a Ctrl-C does: the run stops at the next safe point
            raise KeyboardInterrupt
        return real_plan(self, file)

    monkeypatch.setattr(ingest.pipeline._Planner, "plan", plan_then_stop)
    summary = build_demo_database(db, folder, letters=LETTERS, seed=SEED)
    assert summary.interrupted
    assert not db.exists()
    assert not (tmp_path / "imr.building.duckdb").exists()
    assert not (folder / MANIFEST).exists()  # the corpus is not complete: written again

    monkeypatch.setattr(ingest.pipeline._Planner, "plan", real_plan)
    summary = build_demo_database(db, folder, letters=LETTERS, seed=SEED)
    assert not summary.interrupted
    assert db.exists() and (folder / MANIFEST).exists()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from letters").fetchall()[0][0] == summary.added
