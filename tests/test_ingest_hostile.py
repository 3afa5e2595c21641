"""Hostile and unlucky input: each test builds its file and fails without the fix it covers
(issue 11: names that are not UTF-8, a FIFO, a decompression bomb, a worker that dies,
UTF-16 text, the same case with different text, stale quarantine rows, Ctrl-C accounting)."""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import pytest

from ingest import store, worker
from ingest.extract import extract_file
from ingest.limits import Limits, init_worker
from ingest.pipeline import ingest_paths
from tests.hostile import bomb_pdf
from tests.paths import REAL_LETTERS, SEED_LETTER

GOOD = ("CM16-0213037.pdf", "CM17-0002106.pdf")


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def good_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "letters"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(REAL_LETTERS / name, folder / name)
    return folder


def test_a_name_that_is_not_utf8_is_stored_losslessly(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    odd = os.path.join(os.fsencode(folder), b"caf\xe9.pdf")
    shutil.copy(REAL_LETTERS / "CM16-0245796.pdf", odd)
    db = tmp_path / "imr.duckdb"
    summary = ingest_paths([folder], db, workers=2)
    assert (summary.added, summary.quarantined) == (3, [])
    shown = rows(db, "select source_path from letters where letter_id = 'CM16-0245796'")
    assert shown == [(str(folder / "caf\\xe9.pdf"),)]
    raw = rows(db, "select source_path_raw from source_files where source_path like '%caf%'")
    assert raw == [(odd,)]
    again = ingest_paths([folder], db, workers=2)  # skipped by path + size + mtime, unread
    assert (again.added, again.skipped) == (0, 3)


def test_a_named_pipe_is_refused_not_read(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    os.mkfifo(folder / "x.pdf")
    db = tmp_path / "imr.duckdb"
    result: dict = {}
    run = threading.Thread(target=lambda: result.update(s=ingest_paths([folder], db, workers=1)))
    run.start()
    run.join(timeout=120)
    if run.is_alive():  # unblock the reader so pytest can end, then fail
        os.open(folder / "x.pdf", os.O_WRONLY | os.O_NONBLOCK)
        pytest.fail("ingest blocked on a named pipe")
    summary = result["s"]
    assert summary.added == 2
    assert [(Path(f.path).name, f.reason) for f in summary.quarantined] == [
        ("x.pdf", "unsupported_type")
    ]
    assert "named pipe" in summary.quarantined[0].detail


def test_a_decompression_bomb_costs_only_itself(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    # ~400 kB on disk; pdfium needs ~2x the inflated size, far above the limit even when the
    # forked worker can reuse free heap its parent (pytest) had already mapped
    bomb_pdf(folder / "bomb.pdf", inflated_mb=400)
    assert (folder / "bomb.pdf").stat().st_size < 600_000
    db = tmp_path / "imr.duckdb"
    summary = ingest_paths([folder], db, workers=2, limits=Limits(memory_mb=160))
    assert summary.added == 2
    assert [(Path(f.path).name, f.reason) for f in summary.quarantined] == [
        ("bomb.pdf", "resource_limit")
    ]
    assert rows(db, "select reason from quarantine") == [("resource_limit",)]


def test_a_worker_that_dies_takes_only_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = good_folder(tmp_path)
    for i in range(6):
        shutil.copy(SEED_LETTER, folder / f"seed-{i}.txt")
        (folder / f"seed-{i}.txt").write_text(SEED_LETTER.read_text() + f"\n{i}\n")
    (folder / "killer.txt").write_text("anything")
    real_extract = worker.extract_pages

    def extract(data: bytes, suffix: str, extractor: str) -> list[str]:
        if data == b"anything":
            os._exit(9)  # what the kernel does to a worker over its limits
        return real_extract(data, suffix, extractor)

    monkeypatch.setattr(worker, "extract_pages", extract)  # workers are forked: they see it
    db = tmp_path / "imr.duckdb"
    summary = ingest_paths([folder], db, workers=2)
    assert [(Path(f.path).name, f.reason) for f in summary.quarantined] == [
        ("killer.txt", "resource_limit")
    ]
    assert summary.added == 8
    assert rows(db, "select count(*) from letters") == [(8,)]


def _death_signal() -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    value = ctypes.c_int(0)
    libc.prctl(2, ctypes.byref(value), 0, 0, 0)  # PR_GET_PDEATHSIG
    return value.value


def test_workers_die_with_their_parent_and_leave_ctrl_c_to_it() -> None:
    with ProcessPoolExecutor(1, initializer=init_worker, initargs=(os.getpid(), Limits())) as pool:
        assert pool.submit(_death_signal).result() == signal.SIGKILL
        assert pool.submit(signal.getsignal, signal.SIGINT).result() == signal.SIG_IGN


def test_utf16_text_with_bom_is_read(tmp_path: Path) -> None:
    letter = tmp_path / "utf16.txt"
    letter.write_bytes(SEED_LETTER.read_text(encoding="utf-8").encode("utf-16"))
    summary = ingest_paths([letter], tmp_path / "imr.duckdb")
    assert (summary.added, summary.quarantined) == (1, [])


def _forged(tmp_path: Path) -> tuple[Path, Path]:
    genuine = tmp_path / "genuine.pdf"
    shutil.copy(REAL_LETTERS / "CM16-0245796.pdf", genuine)
    text = "\f".join(extract_file(genuine))
    flipped = (
        text.replace("Overturned", "@@").replace("Upheld", "Overturned").replace("@@", "Upheld")
    )
    assert flipped != text
    forged = tmp_path / "forged.txt"
    forged.write_text(flipped, encoding="utf-8")
    return genuine, forged


def test_the_same_case_with_different_text_is_a_conflict(tmp_path: Path) -> None:
    genuine, forged = _forged(tmp_path)
    db = tmp_path / "imr.duckdb"
    outcomes = "select outcome from decisions order by item_no"
    assert ingest_paths([forged], db).added == 1
    forged_outcomes = rows(db, outcomes)
    second = ingest_paths([genuine], db)
    assert (second.added, second.duplicates, second.exit_code) == (0, 0, 1)
    (conflict,) = second.quarantined
    assert conflict.reason == "case_conflict"
    assert "forged.txt" in conflict.detail and "CM16-0245796" in conflict.detail
    assert rows(db, outcomes) == forged_outcomes  # nothing replaced silently
    assert rows(db, "select source_path, reason from quarantine") == [
        (str(genuine), "case_conflict")
    ]
    again = ingest_paths([genuine], db)  # still a problem, not retried
    assert (again.added, again.skipped) == (0, 1)
    assert rows(db, "select count(*) from quarantine") == [(1,)]

    picked = ingest_paths([genuine], db, replace=True)
    assert (picked.added, picked.exit_code) == (1, 0)
    assert rows(db, "select source_path from letters") == [(str(genuine),)]
    assert rows(db, outcomes) != forged_outcomes
    assert rows(db, "select count(*) from quarantine") == [(0,)]


def test_a_copy_that_decides_the_same_is_a_duplicate_not_a_conflict(tmp_path: Path) -> None:
    genuine = REAL_LETTERS / "CM16-0245796.pdf"
    copy = tmp_path / "copy.txt"
    copy.write_text("\f".join(extract_file(genuine)), encoding="utf-8")
    db = tmp_path / "imr.duckdb"
    ingest_paths([genuine], db)
    summary = ingest_paths([copy], db)
    assert (summary.duplicates, summary.quarantined) == (1, [])


def test_quarantine_shows_current_problems_only(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text("not a letter yet")
    db = tmp_path / "imr.duckdb"
    assert ingest_paths([letter], db).exit_code == 1
    assert rows(db, "select count(*) from quarantine") == [(1,)]
    shutil.copy(SEED_LETTER, letter)  # fixed (or finished copying) before the next run
    assert ingest_paths([letter], db).added == 1
    assert rows(db, "select count(*) from quarantine") == [(0,)]


def test_ctrl_c_right_after_a_commit_is_still_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = store.write_batch

    def write_then_ctrl_c(*args, **kwargs):
        result = real_write(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)  # arrives between the commit and the count
        return result

    monkeypatch.setattr(store, "write_batch", write_then_ctrl_c)
    db = tmp_path / "imr.duckdb"
    summary = ingest_paths([good_folder(tmp_path)], db, workers=1)
    stored = rows(db, "select count(*) from letters")[0][0]
    assert summary.interrupted and summary.exit_code == 130
    assert summary.added == stored == 2
    assert rows(db, "select added, interrupted from ingest_runs") == [(2, True)]
