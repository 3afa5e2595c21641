"""`imr fetch` / `imr agreement` as a user runs them, against the fake site on a real port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from fetch.fake_site import Failures, serve
from imr.cli import app
from tests.fetchsite import make_site

runner = CliRunner()
RANGE = ["--from", "2016-12-01", "--to", "2017-02-28", "--window-days", "31"]
IMR = Path(sys.executable).with_name("imr")


@pytest.fixture
def site():
    site = make_site()
    server = serve(site)
    site.url = f"http://127.0.0.1:{server.server_port}"
    yield site
    server.shutdown()
    server.server_close()


def imr_fetch(site, tmp_path: Path, *extra: str):
    args = ["fetch", "--base-url", site.url, *RANGE, "--db", str(tmp_path / "imr.duckdb"),
            "--out", str(tmp_path / "letters"), "--rate", "200", "-q", *extra]  # fmt: skip
    return runner.invoke(app, args)


def test_fetch_twice_then_agreement(site, tmp_path):
    first = imr_fetch(site, tmp_path)
    assert first.exit_code == 0, first.output
    assert "letters fetched         │ 40" in first.output
    assert "ingested: letters added │ 40" in first.output
    second = imr_fetch(site, tmp_path)
    assert second.exit_code == 0, second.output
    assert "letters fetched         │ 0" in second.output
    assert "letters already had     │ 40" in second.output
    assert len(site.pdf_requests()) == 40
    con = duckdb.connect(str(tmp_path / "imr.duckdb"), read_only=True)
    assert con.execute("select count(*) from letters").fetchall() == [(40,)]
    con.close()
    shown = runner.invoke(app, ["agreement", "--db", str(tmp_path / "imr.duckdb")])
    assert shown.exit_code == 0, shown.output
    assert "│ item outcome             │ 82    │ 84 items   │ 97.6 %" in shown.output
    assert "│ subcategory / drug class │ 80    │ 84 items   │ 95.2 %" in shown.output
    assert "CM17-0015348" in shown.output


def test_a_changed_site_is_one_clear_line_and_exit_3(site, tmp_path):
    site.failures = Failures("changed", after=5)
    result = imr_fetch(site, tmp_path, "--no-ingest")
    assert result.exit_code == 6
    assert "the site did not answer as documented: expected a result table" in result.output
    assert "Traceback" not in result.output
    assert len(list((tmp_path / "letters").rglob("*.pdf"))) > 0  # December's letters kept


def test_missing_letters_exit_1(site, tmp_path):
    site.failures = Failures(missing={"CM17-0009282"})
    result = imr_fetch(site, tmp_path, "--no-ingest")
    assert result.exit_code == 1, result.output
    assert "CM17-0009282" in result.output and "HTTP 404" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2017-02-30"], "--from expects a date"),
        (["--from", "2017-03-01", "--to", "2017-01-01"], "is after --to"),
        (["--rate", "0"], "--rate must be above 0"),
        (["--rate", "10"], "refused against https://www.dir.ca.gov"),
        (["--base-url", "ftp://x"], "--base-url must start with"),
        (["--max", "0"], "--max must be at least 1"),
    ],
)
def test_usage_errors_exit_2(tmp_path, args, message):
    result = runner.invoke(app, ["fetch", "--db", str(tmp_path / "x.duckdb"), *args])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "x.duckdb").exists()


def test_agreement_without_dwc_rows_exits_2(tmp_path, real_db):
    missing = runner.invoke(app, ["agreement", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and "no database" in missing.output
    empty = runner.invoke(app, ["agreement", "--db", str(real_db)])
    assert empty.exit_code == 2 and "run `imr fetch` first" in empty.output


def test_a_killed_process_resumes_without_duplicates(site, tmp_path):
    """SIGKILL mid-run (no cleanup at all), then the same command again: the killed run is a
    process of its own (killed with its ingest workers); the resumed one runs here, as the
    other tests' commands do (a process's start, ~0.7 CPU s, is not what this checks), and
    finds only what the killed process left on disk."""
    args = [str(IMR), "fetch", "--base-url", site.url, *RANGE, "--db", str(tmp_path / "imr.duckdb"),
            "--out", str(tmp_path / "letters"), "--rate", "40", "-q"]  # fmt: skip
    proc = subprocess.Popen(args, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while len(list((tmp_path / "letters").rglob("*.pdf"))) < 10 and proc.poll() is None:
        assert time.monotonic() < deadline, "the first run never got going"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    before = len(list((tmp_path / "letters").rglob("*.pdf")))
    assert 10 <= before < 40
    done = runner.invoke(app, args[1:])
    assert done.exit_code == 0, done.output
    files = sorted((tmp_path / "letters").rglob("*.pdf"))
    assert len(files) == 40 and not list((tmp_path / "letters").rglob("*.part"))
    requested = site.pdf_requests()
    assert len(set(requested)) == 40 and len(requested) <= 41  # at most the one in flight
    con = duckdb.connect(str(tmp_path / "imr.duckdb"), read_only=True)
    try:
        letters = "select count(*), count(distinct letter_id) from letters"
        assert con.execute(letters).fetchall() == [(40, 40)]
        assert con.execute("select count(*) from dwc_search").fetchall() == [(84,)]
        assert con.execute(
            "select count(*), count(distinct case_number) from dwc_fetch_letters "
            "where status = 'fetched' and ingested_at is not null"
        ).fetchall() == [(40, 40)]
    finally:
        con.close()
