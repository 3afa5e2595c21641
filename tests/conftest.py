"""Shared test fixtures: where ../shared lives, a database of the 40 real letters, and their
pdfplumber extraction done once per run."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests import dbcache
from tests.paths import REAL_LETTERS, SEED_LETTER, SHARED
from tests.plumber_cache import kept_file, read_or_write

if TYPE_CHECKING:  # imported in the fixtures: xdist's controller process loads this file too,
    import duckdb  # and statsmodels (tests/analysesdb.py) alone costs it ~2 s
    import polars as pl


def pytest_configure(config: pytest.Config) -> None:
    """The real letters are test data the suite needs: missing, it stops instead of skipping."""
    if len(list(REAL_LETTERS.glob("*.pdf"))) != 40 or not SEED_LETTER.is_file():
        raise pytest.UsageError(
            f"The 40 real letters and the seed letter are expected in {SHARED} "
            "(the shared/ folder beside this repository)."
        )
    # Databases several modules build alike are built once per run (tests/dbcache.py).
    dbcache.run_folder = lambda: _shared_root(config._tmp_path_factory)  # type: ignore[attr-defined]


@pytest.fixture(scope="session", autouse=True)
def streamlit_components_scanned_once() -> Iterator[None]:
    """Every new AppTest scans all installed packages' metadata for Streamlit components
    (~0.27 CPU s: 79 distributions parsed as e-mail headers), once per `AppTest.from_file`:
    ~60 % of a page run in the app tests. A server scans once at start; the installed
    packages cannot change during a test run, so the tests scan once per process too."""
    if "streamlit.testing.v1" not in sys.modules:  # no collected test drives the app
        yield
        return
    import functools

    from streamlit.components.v2 import manifest_scanner

    real = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(real)
    yield
    manifest_scanner.scan_component_manifests = real


@pytest.fixture(scope="session", autouse=True)
def apptest_waits_without_polling() -> Iterator[None]:
    """AppTest waits for its script thread by polling every 1 ms, each poll scanning every
    event of the run so far under the GIL the script thread needs (~260 polls a page run).
    Here the wait is on the same SHUTDOWN event, told by the runner's own signal; the timeout
    and its error are Streamlit's."""
    if "streamlit.testing.v1" not in sys.modules:
        yield
        return
    import threading

    from streamlit.runtime.scriptrunner import ScriptRunnerEvent
    from streamlit.testing.v1 import local_script_runner

    real = local_script_runner.require_widgets_deltas

    def wait(runner: local_script_runner.LocalScriptRunner, timeout: float = 3) -> None:
        done = threading.Event()

        def on_event(_sender: object, event: ScriptRunnerEvent, **_: object) -> None:
            if event == ScriptRunnerEvent.SHUTDOWN:
                done.set()

        runner.on_event.connect(on_event, weak=False)
        try:
            if runner.script_stopped() or done.wait(timeout):
                return
        finally:
            runner.on_event.disconnect(on_event)
        runner.request_stop()  # as Streamlit's own wait does on a timeout
        runner.join()
        raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")

    local_script_runner.require_widgets_deltas = wait
    yield
    local_script_runner.require_widgets_deltas = real


@pytest.fixture(scope="session")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 40 real letters ingested once per test session (read it; do not write to it)."""
    return _ingest_real_letters(tmp_path_factory.mktemp("real") / "imr.duckdb")


@dbcache.once_per_run  # one ingest per run, not one per xdist worker
def _ingest_real_letters(db: Path) -> Path:
    from imr.ingest_run import ingest_and_refresh

    summary = ingest_and_refresh([REAL_LETTERS], db, workers=1)
    assert summary.added == 40, summary
    return db


_BACKGROUND: list[subprocess.Popen] = []


def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root  # the run's folder


# The heaviest test files (CPU s in a full run, 2026-12-02 19:20, load ~10, before stop 23's
# cuts: text bits 83, text misses 31, app 26, fast paths 26 in one test, browser 24 (chromium
# and the server; most of its wall time is waiting), letter parts 18, fetch walk 16, fetch cli
# 15, search index 15, demo first start 13, warm-up 11, app report 11, search text bits 9,
# group trend 9, then 8 and less; text bits, misses and the AppTest files about halve after).
# `--dist loadfile` hands whole files to whichever worker is free, in collection order
# (`--no-loadscope-reorder`; xdist's own order, most tests first, sent the one-test file near
# the end): longest first, so the two workers finish together. The other files keep their
# order after these; a name no longer here only loses its place. (Stop 22's list lacked text
# bits, the heaviest file: it started last, ~150 s after the other worker had less to do.)
# Re-ranked at stop 23 from an idle `--durations=0` run (wall s: text counts 44, browser 42,
# text bits 20, fast paths 20, fetch cli 16, app 14, search index 13, letter parts 12, fetch
# walk 12, text misses 11) less this stop's cuts (text counts ~13, browser ~32, fast paths
# ~15, letter parts ~11, estimated from single-file runs). Re-ranked at stop 24 from a
# `--durations=0` run under load ~5 (wall s: browser 35, text bits 24, fetch cli 22, app 20,
# text counts 18, fetch walk 18, text misses 17, search index 15, fast paths 13, letter parts
# 11, demo first start 11) less stop 24's cuts (fetch walk ~-45 %, text bits ~-20 %).
HEAVY_FILES_FIRST = (
    "test_browser.py",
    "test_fetch_cli.py",
    "test_query_text_bits.py",
    "test_app.py",
    "test_analyses_text_counts.py",
    "test_queries_text_misses.py",
    "test_search_index.py",
    "test_queries_fast_paths.py",
    "test_demo_first_start.py",
    "test_analyses_letter_parts.py",
    "test_fetch_walk.py",
    "test_app_report.py",
    "test_ingest_hostile.py",
    "test_analyses_group_trend.py",
    "test_search_text_bits.py",
    "test_reliability_app.py",
    "test_app_warmup.py",
    "test_demo_cases.py",
    "test_fetch_agreement.py",
    "test_app_analyses.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: k for k, name in enumerate(HEAVY_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: file order kept


def pytest_collection_finish(session: pytest.Session) -> None:
    """When a collected test needs `plumber_cache`, start extracting it in a background
    process at once (one per run, whichever worker comes first): the workers go on with
    other tests meanwhile instead of one of them waiting ~20 s in a fixture."""
    if not any("plumber_cache" in getattr(item, "fixturenames", ()) for item in session.items):
        return
    root = _shared_root(session.config._tmp_path_factory)  # type: ignore[attr-defined]
    kept = _kept_folder(session.config)
    if kept is not None and kept_file(kept).exists():
        return  # a run before this one extracted the same files with the same code
    try:
        (root / "pdfplumber-real-letters.started").open("x").close()
    except FileExistsError:
        return
    args = [sys.executable, "-m", "tests.plumber_cache", str(root)]
    _BACKGROUND.append(subprocess.Popen(args + ([str(kept)] if kept is not None else [])))


def _kept_folder(config: pytest.Config) -> Path | None:
    """pytest's cache dir for the pdfplumber texts (None under `-p no:cacheprovider`)."""
    cache = getattr(config, "cache", None)
    return cache.mkdir("pdfplumber-real-letters") if cache is not None else None


def pytest_sessionfinish(session: pytest.Session) -> None:
    for process in _BACKGROUND:  # no fixture needed it after all (a -k run): stop it
        if process.poll() is None:
            process.kill()
        process.wait()


@pytest.fixture(scope="session")
def plumber_cache(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> dict[str, list[str]]:
    """pdfplumber's raw page texts of the 40 real letters, by the file's sha256: extracted
    once per test run (tests/plumber_cache.py) and shared by the xdist workers through a
    file, and kept in pytest's cache dir for the next run with the same PDFs, code and
    pdfplumber. pdfplumber reads ~15 pages/s; two tests extracting all 40 letters each were ~45 %
    of the suite's time."""
    return read_or_write(_shared_root(tmp_path_factory), _kept_folder(request.config))


@pytest.fixture
def cached_pdfplumber(plumber_cache: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The pdfplumber backend answers the real letters from `plumber_cache` (the same
    function's output, computed once) and runs for any other file. Ingest's worker
    processes are forked after the patch, so they use it too."""
    from ingest import extract

    real = extract._PDF_BACKENDS["pdfplumber"]

    def cached(data: bytes) -> list[str]:
        pages = plumber_cache.get(hashlib.sha256(data).hexdigest())
        return list(pages) if pages is not None else real(data)

    monkeypatch.setitem(extract._PDF_BACKENDS, "pdfplumber", cached)


@pytest.fixture(scope="session")
def analyses_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The analyses tests' database (tests/analysesdb.py) with its search index, built once
    per worker: the tests only read it."""
    import queries as q
    from tests.analysesdb import build_analyses_db

    path = build_analyses_db(tmp_path_factory.mktemp("analyses") / "imr.duckdb")
    q.build_search_index(path)
    return path


@pytest.fixture(scope="session")
def analyses_raw(analyses_db: Path) -> pl.DataFrame:
    """Its rows read plainly (tests/analysesdb.py `raw`): the independent side of every check.
    Read before `analyses_con` opens: DuckDB refuses a second, differently configured
    connection to a file while one is open in the process."""
    from tests.analysesdb import raw

    return raw(analyses_db)


@pytest.fixture(scope="session")
def analyses_con(
    analyses_db: Path, analyses_raw: pl.DataFrame
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to `analyses_db`, as the app opens one."""
    import queries as q

    con = q.open_db(analyses_db)
    yield con
    con.close()
