"""The ingest pipeline end to end: real letters, re-runs, bad input, interruption."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from ingest import pipeline, store
from ingest.pipeline import ingest_paths
from tests import badfiles
from tests.paths import REAL_LETTERS, SEED_LETTER

# Letters whose stored decisions disagree with their item count: a half-written letter.
INCOMPLETE_LETTERS = (
    "select count(*) from letters l where item_count <> "
    "(select count(*) from decisions d where d.letter_id = l.letter_id)"
)


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_real_letters_ingest_whole(real_db: Path) -> None:
    assert rows(real_db, "select count(*) from letters") == [(40,)]
    assert rows(real_db, "select count(*) from decisions") == [(84,)]
    # item_count agrees with the decisions actually stored, letter by letter
    assert rows(real_db, INCOMPLETE_LETTERS) == [(0,)]
    assert rows(real_db, "select count(*) from quarantine") == [(0,)]
    assert rows(real_db, "select distinct layout from letters") == [("determination_2015",)]
    assert rows(real_db, "select count(*) from letters where is_demo") == [(0,)]


def test_second_run_skips_everything(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    shutil.copytree(REAL_LETTERS, folder, ignore=shutil.ignore_patterns("CM17*"))
    db = tmp_path / "imr.duckdb"
    first = ingest_paths([folder], db, workers=2)
    assert (first.added, first.skipped, first.exit_code) == (17, 0, 0)
    second = ingest_paths([folder], db, workers=2)
    assert (second.seen, second.added, second.skipped, second.quarantined) == (17, 0, 17, [])
    assert second.exit_code == 0
    # touched files (new mtime, same bytes) are recognised by their hash
    for file in folder.iterdir():
        os.utime(file)
    third = ingest_paths([folder], db, workers=1)
    assert (third.added, third.skipped) == (0, 17)
    runs = rows(db, "select seen, added, skipped from ingest_runs order by run_id")
    assert runs == [(17, 17, 0), (17, 0, 17), (17, 0, 17)]


def test_seed_letter_without_header(tmp_path: Path) -> None:
    db = tmp_path / "imr.duckdb"
    summary = ingest_paths([SEED_LETTER], db)
    assert summary.added == 1
    (letter,) = rows(
        db,
        "select letter_id, case_number, decision_date, date_assigned, reviewer_specialty, "
        "reviewer_states, patient_age, patient_sex, case_outcome from letters",
    )
    assert letter[0].startswith("sha256:") and len(letter[0]) == len("sha256:") + 16
    assert letter[1:] == (
        None,
        None,
        None,
        "Family Practice",
        ["North Carolina"],
        47,
        "male",
        "Partially Overturned",
    )
    outcomes = rows(db, "select outcome from decisions order by item_no")
    assert outcomes == [("Upheld",), ("Overturned",), ("Overturned",)]


def test_bad_input_is_quarantined_with_reasons(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    real = REAL_LETTERS / "CM16-0213037.pdf"
    badfiles.zero_byte(bad)
    badfiles.truncated_pdf(bad, REAL_LETTERS / "CM17-0002106.pdf")
    badfiles.random_bytes_pdf(bad)
    badfiles.password_pdf(bad)
    badfiles.image_only_pdf(bad)
    badfiles.not_a_letter_pdf(bad)
    badfiles.no_items_txt(bad, SEED_LETTER.read_text(encoding="utf-8"))
    shutil.copy(real, bad / "good.pdf")
    shutil.copy(real, bad / "good-copy.pdf")  # same letter under two names: stored once
    (bad / "big.txt").write_text("x" * 1_500_000)
    (bad / "notes.docx").write_bytes(b"PK")  # not a letter type: reported as ignored
    db = tmp_path / "imr.duckdb"
    summary = ingest_paths([bad], db, max_bytes=1_000_000)
    reasons = {Path(f.path).name: f.reason for f in summary.quarantined}
    assert reasons == {
        "empty.pdf": "empty_file",
        "truncated.pdf": "corrupt_pdf",
        "random.pdf": "not_a_pdf",
        "locked.pdf": "encrypted_no_password",
        "scan.pdf": "no_text_layer",
        "invoice.pdf": "unknown_format",
        "no-items.txt": "no_items",
        "big.txt": "too_large",
    }
    assert (summary.added, summary.duplicates, summary.exit_code) == (1, 1, 1)
    assert [Path(p).name for p in summary.ignored] == ["notes.docx"]
    stored = rows(db, "select reason, count(*) from quarantine group by all order by 1")
    assert dict(stored) == dict.fromkeys(reasons.values(), 1)
    assert rows(db, "select count(*) from letters") == [(1,)]
    # nothing new on a re-run: the quarantined files are known, not retried
    again = ingest_paths([bad], db, max_bytes=1_000_000)
    assert (again.added, again.exit_code) == (0, 0)


def test_unreadable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path=".", *args):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path, *args)

    monkeypatch.setattr(os, "scandir", scandir)
    summary = ingest_paths([tmp_path], tmp_path / "imr.duckdb")
    assert [(f.reason, Path(f.path)) for f in summary.quarantined] == [("unreadable", locked)]
    assert summary.exit_code == 1


def test_interrupted_run_keeps_whole_letters_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "imr.duckdb"
    monkeypatch.setattr(pipeline, "BATCH_LETTERS", 7)
    real_write = store.write_batch
    calls = {"n": 0}

    def write_then_interrupt(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # Ctrl-C arrives while the third batch is being written
            raise KeyboardInterrupt
        return real_write(*args, **kwargs)

    monkeypatch.setattr(store, "write_batch", write_then_interrupt)
    first = ingest_paths([REAL_LETTERS], db, workers=1)
    assert first.interrupted and first.exit_code == 130
    assert first.added == 14
    assert rows(db, "select count(*) from letters") == [(14,)]
    assert rows(db, INCOMPLETE_LETTERS) == [(0,)]
    assert rows(db, "select interrupted from ingest_runs") == [(True,)]

    monkeypatch.setattr(store, "write_batch", real_write)
    second = ingest_paths([REAL_LETTERS], db, workers=1)
    assert (second.added, second.skipped, second.exit_code) == (26, 14, 0)
    assert rows(db, "select count(*), sum(item_count) from letters") == [(40, 84)]


def test_both_extractors_store_identical_rows(
    real_db: Path, tmp_path: Path, cached_pdfplumber: None
) -> None:
    db = tmp_path / "plumber.duckdb"
    summary = ingest_paths([REAL_LETTERS], db, workers=2, extractor="pdfplumber")
    assert summary.added == 40
    volatile = "raw_text, ingested_at"
    for sql in (
        f"select * exclude ({volatile}) from letters order by letter_id",
        # decision_no numbers rows in the order workers finish: a key, not content
        "select * exclude (decision_no) from decisions order by letter_id, item_no",
    ):
        assert rows(db, sql) == rows(real_db, sql)
