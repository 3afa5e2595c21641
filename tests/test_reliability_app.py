"""One writer at a time, caches that heal, exit codes a user can act on, safe exports, the
Case page's source download and the upload box (issue 11 and the CLI items of issue 16)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from common.writelock import WriterBusy, lock_path_for, writer_lock
from imr.cli import app
from imr.failures import EXIT_BAD_DATABASE, EXIT_BUSY, EXIT_USAGE
from imr.ingest_run import ingest_and_refresh
from ingest.pipeline import ingest_paths
from queries import open_db
from queries.connection import index_path_for
from queries.source_file import source_file
from tests.hostile import bomb_pdf
from tests.paths import REAL_LETTERS, SEED_LETTER
from ui import upload

runner = CliRunner()


def imr(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def letters(tmp_path: Path, names=("CM16-0213037.pdf", "CM17-0002106.pdf")) -> Path:
    folder = tmp_path / "letters"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(REAL_LETTERS / name, folder / name)
    return folder


def index_docs(db: Path) -> int:
    with sqlite3.connect(index_path_for(db)) as lite:
        return lite.execute("select count(*) from docs").fetchone()[0]


def scalar(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql).fetchall()[0][0]
    finally:
        con.close()


# --- one writer ---------------------------------------------------------------------------


def test_a_second_writer_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    db = tmp_path / "imr.duckdb"
    with writer_lock(db):
        with pytest.raises(WriterBusy) as busy:
            ingest_and_refresh([letters(tmp_path)], db, workers=1)
        assert busy.value.pid == os.getpid()
        result = imr("ingest", tmp_path / "letters", "--db", db, "--quiet")
        assert result.exit_code == EXIT_BUSY
        assert f"process {os.getpid()}" in result.output and "Traceback" not in result.output
    assert not db.exists()  # the refused run wrote nothing


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    db = tmp_path / "imr.duckdb"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    lock_path_for(db).write_text(f"{dead}\n")
    assert ingest_and_refresh([letters(tmp_path)], db, workers=1).added == 2


def test_a_process_holding_the_lock_makes_another_process_wait_its_turn(tmp_path: Path) -> None:
    db = tmp_path / "imr.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from common.writelock import writer_lock\n"
         f"with writer_lock({str(db)!r}):\n print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1],
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WriterBusy) as busy:
            ingest_and_refresh([letters(tmp_path)], db, workers=1)
        assert busy.value.pid == holder.pid
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert ingest_and_refresh([letters(tmp_path)], db, workers=1).added == 2


# --- caches heal ---------------------------------------------------------------------------


def test_a_run_that_adds_nothing_repairs_a_stale_index_and_derived_tables(tmp_path: Path) -> None:
    db = tmp_path / "imr.duckdb"
    folder = letters(tmp_path, ("CM16-0213037.pdf",))
    ingest_and_refresh([folder], db, workers=1)
    shutil.copy(REAL_LETTERS / "CM17-0002106.pdf", folder)
    shutil.copy(REAL_LETTERS / "CM16-0245796.pdf", folder)
    ingest_paths([folder], db, workers=1)  # a run killed after storing, before the caches
    total = scalar(db, "select count(*) from decisions")
    assert index_docs(db) < total
    again = ingest_and_refresh([folder], db, workers=1)
    assert again.added == 0
    assert index_docs(db) == total
    assert scalar(db, "select count(*) from decision_facts") == total


def test_the_index_rebuild_replaces_the_file_whole(tmp_path: Path) -> None:
    db = tmp_path / "imr.duckdb"
    ingest_and_refresh([letters(tmp_path)], db, workers=1)
    index_path_for(db).write_bytes(b"garbage, as a crashed build might leave")
    ingest_and_refresh([letters(tmp_path)], db, workers=1)
    assert index_docs(db) == scalar(db, "select count(*) from decisions")
    assert [p.name for p in db.parent.iterdir() if p.suffix == ".tmp"] == []


# --- exit codes ----------------------------------------------------------------------------


@pytest.mark.parametrize("make", ["folder", "random"])
def test_a_bad_db_is_one_line_and_exit_4(tmp_path: Path, make: str) -> None:
    db = tmp_path / "bad.duckdb"
    if make == "folder":
        db.mkdir()
    else:
        db.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(50_000)))
    for command in (("ingest", letters(tmp_path), "--quiet"), ("stats", "--by", "priority")):
        result = imr(*command, "--db", db)
        assert result.exit_code == EXIT_BAD_DATABASE, result.output
        assert "Traceback" not in result.output and str(db) in result.output
        assert len(result.output.strip().splitlines()) <= 3


def test_app_refuses_a_missing_db_that_is_not_the_default(tmp_path: Path) -> None:
    typo = tmp_path / "imr.duckbd"
    result = imr("app", "--db", typo)
    assert result.exit_code == EXIT_USAGE
    assert str(typo) in result.output and "--demo" in result.output
    assert not typo.exists() and not (tmp_path / "demo").exists()


# --- export --------------------------------------------------------------------------------


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    db = tmp_path / "db" / "imr.duckdb"
    ingest_and_refresh([letters(tmp_path)], db, workers=1)
    return db


def test_export_refuses_the_database_and_its_index(small_db: Path) -> None:
    size = small_db.stat().st_size
    for target in (small_db, index_path_for(small_db)):
        result = imr("export", "--db", small_db, "--out", target, "--force")
        assert result.exit_code == EXIT_USAGE, result.output
        assert "database" in result.output
    assert small_db.stat().st_size == size
    assert scalar(small_db, "select count(*) from letters") == 2


def test_export_default_folder_existing_files_and_odd_targets(
    small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = imr("export", "--db", small_db, "--out", "pharma.csv")
    assert first.exit_code == 0, first.output
    written = tmp_path / "exports" / "pharma.csv"
    assert written.is_file() and str(written) in first.output.replace("\n", "")
    again = imr("export", "--db", small_db, "--out", "pharma.csv")
    assert again.exit_code == EXIT_USAGE and "--force" in again.output
    assert imr("export", "--db", small_db, "--out", "pharma.csv", "--force").exit_code == 0
    default = imr("export", "--db", small_db)
    assert default.exit_code == 0 and len(list((tmp_path / "exports").glob("decisions-*.csv"))) == 1
    folder = imr("export", "--db", small_db, "--out", tmp_path)
    assert folder.exit_code == EXIT_USAGE and "folder" in folder.output
    device = imr("export", "--db", small_db, "--out", "/dev/full", "--force")
    assert device.exit_code == EXIT_USAGE and "not a regular file" in device.output
    assert [p.name for p in (tmp_path / "exports").iterdir() if p.name.startswith(".")] == []


# --- the Case page's source file -----------------------------------------------------------


def test_source_file_is_served_only_while_it_is_the_file_ingested(tmp_path: Path) -> None:
    folder = letters(tmp_path, ("CM16-0213037.pdf",))
    db = tmp_path / "imr.duckdb"
    ingest_and_refresh([folder], db, workers=1)
    source = folder / "CM16-0213037.pdf"

    def fetch():
        con = open_db(db)
        try:
            return source_file(con, "CM16-0213037")
        finally:
            con.close()

    served = fetch()
    assert served.data == source.read_bytes() and served.name == "CM16-0213037.pdf"
    source.unlink()
    source.symlink_to("/etc/hostname")  # the path now points somewhere else
    refused = fetch()
    assert refused.data is None and "changed" in refused.reason
    source.unlink()
    os.mkfifo(source)
    assert fetch().data is None  # not read, not blocked
    source.unlink()
    assert "no longer available" in fetch().reason


# --- uploads -------------------------------------------------------------------------------


def test_upload_keeps_the_extension_of_a_long_name() -> None:
    name = "x" * 200 + ".pdf"
    assert upload.safe_name(name).endswith(".pdf") and len(upload.safe_name(name)) <= 120


def test_rejected_uploads_are_deleted_and_named_without_server_paths(tmp_path: Path) -> None:
    db = tmp_path / "imr.duckdb"
    bomb = bomb_pdf(tmp_path / "bomb.pdf", inflated_mb=2).read_bytes()  # no text: refused
    long_name = "a" * 200 + ".txt"
    run = upload.ingest([(long_name, SEED_LETTER.read_bytes()), ("bad.pdf", bomb)], db)
    assert run.added == 1
    assert [(f.path, f.reason) for f in run.quarantined] == [("bad.pdf", "no_text_layer")]
    assert str(tmp_path) not in repr(run)
    kept = [p.name for p in upload.upload_dir(db).rglob("*") if p.is_file()]
    assert len(kept) == 1 and kept[0].endswith(".txt")


def test_uploads_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(upload.NO_UPLOAD_ENV, "1")
    assert not upload.enabled()
    with pytest.raises(upload.UploadsDisabled):
        upload.ingest([("seed.txt", SEED_LETTER.read_bytes())], tmp_path / "imr.duckdb")
    assert not (tmp_path / "imr.duckdb").exists()


def test_first_start_says_the_demo_quarantine_is_deliberate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import imr.cli as cli
    from ingest.model import FailedFile
    from ingest.pipeline import RunSummary

    broken = [FailedFile(f"/x/broken/{i}.pdf", None, "extract", "corrupt_pdf") for i in range(3)]
    served: list[str] = []
    monkeypatch.setattr(cli, "DEFAULT_DEMO_DIR", tmp_path / "demo")
    monkeypatch.setattr(cli, "build_demo_database", lambda *a, **k: RunSummary(quarantined=broken))
    monkeypatch.setattr(cli.os, "execv", lambda exe, args: served.extend(args))
    for switch in ("IMR_DB", cli.WARMUP_SWITCH):  # the command sets them: restored afterwards,
        monkeypatch.setenv(switch, "")  # or the worker's later app tests would warm up
    result = imr("app", "--db", tmp_path / "new.duckdb", "--demo")
    assert result.exit_code == 0, result.output
    assert "deliberate examples of bad input" in result.output and "Data page" in result.output
    assert served[served.index("--server.address") + 1] == "127.0.0.1"
