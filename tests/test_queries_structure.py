"""The query layer's shape: no import cycles, one connection module, every SQL slot filled.

Every `.sql` file is rendered strictly (`common.sqlfiles.render` refuses a missing or unknown
`{slot}`); here each file must be rendered at least once by calling every query function on
a small database, and each call must fill exactly the slots its file names.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

import common.sqlfiles as sqlfiles
import queries as q
from queries import (
    clustered,
    connection,
    coverage,
    derived,
    derived_delta,
    fulltext,
    rates,
    runner,
    search_index,
    source_file,
)
from tests.analysesdb import refused
from tests.querydb import build_query_db, insert, make_rows

PACKAGE = Path(q.__file__).parent
SQL_FILES = sorted(PACKAGE.glob("sql/**/*.sql"))
FETCH_SCHEMA = PACKAGE.parent / "fetch" / "sql" / "schema.sql"


def _imports(path: Path) -> tuple[set[str], list[int]]:
    """(project modules imported at module level, line numbers of imports inside functions)."""
    tree = ast.parse(path.read_text("utf-8"))
    top = {n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)}
    names: set[str] = set()
    nested = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            if node not in top:
                nested.append(node.lineno)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
    return names, nested


def _graph() -> dict[str, set[str]]:
    modules = {f"queries.{p.stem}": p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    return {m: _imports(p)[0] & set(modules) for m, p in modules.items()}


def test_connection_imports_nothing_of_the_package() -> None:
    names, _ = _imports(PACKAGE / "connection.py")
    assert not {n for n in names if n == "queries" or n.startswith("queries.")}


def test_no_imports_inside_functions_hide_a_cycle() -> None:
    nested = {p.name: _imports(p)[1] for p in PACKAGE.glob("*.py")}
    assert {k: v for k, v in nested.items() if v} == {}


def test_query_modules_import_without_a_cycle() -> None:
    graph = _graph()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for dep in graph[module]:
            visit(dep, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
    assert "queries.connection" in graph and "queries.runner" in graph


def test_queries_never_import_streamlit_or_the_ui() -> None:
    for path in PACKAGE.glob("*.py"):
        names, _ = _imports(path)
        assert not {n for n in names if n.split(".")[0] in ("streamlit", "ui")}, path.name


def test_render_refuses_unfilled_and_unknown_slots() -> None:
    assert sqlfiles.fill("select {a} from t", a="1") == "select 1 from t"
    with pytest.raises(sqlfiles.UnfilledSlot, match="unfilled"):
        sqlfiles.fill("select {a}, {b} from t", a="1")
    with pytest.raises(sqlfiles.UnfilledSlot, match="no slot"):
        sqlfiles.fill("select 1", where="true")


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, str, set[str]]]:
    """Every render() call the query layer makes: (folder, file name, fragment names)."""
    calls: list[tuple[Path, str, set[str]]] = []
    real = sqlfiles.render

    def spy(folder: Path, name: str, **fragments: str) -> str:
        calls.append((folder, name, set(fragments)))
        return real(folder, name, **fragments)

    spied = set()
    for info in pkgutil.iter_modules(q.__path__):
        module = importlib.import_module(f"queries.{info.name}")
        if getattr(module, "render", None) is real:
            monkeypatch.setattr(module, "render", spy)
            spied.add(module)
    assert {connection, coverage, derived, derived_delta, fulltext, runner, search_index} <= spied
    return calls


def analyses(con: duckdb.DuckDBPyConnection, f: q.Filters) -> None:
    """The analyses' queries (issue 14), each .sql file at least once."""
    q.clustered_rate_by(con, f, "guideline_agreement", grain="year")
    q.clustered_rate_by(con, f, "reviewer_state")  # whole letters by state: the part sums
    q.timeliness(con, f, grain="quarter", by="reviewer_state")
    q.mix(con, f, "year", "drug_class", within="Pharmaceuticals")
    q.opioid_share(con, f, "year")
    q.group_trend(con, f, "service_category", "year", k=2)
    q.group_trend(con, f, "reviewer_state", "year", k=2)  # the top states per state list
    opioids = f.replace(drug_class=("Opioids",))  # no whole parts: the sizes per state list
    q.group_trend(con, opioids, "reviewer_state", "year", k=2)
    if f.text:  # a word in every row: the parts' sums corrected for the missed rows' pairs
        with pytest.MonkeyPatch.context() as patch:  # (when the parts' counts are not at hand)
            patch.setattr(clustered, "counted", refused)
            q.clustered_rate_by(con, f.replace(text="request"), "reviewer_state")
    q.agreement_table(con, f, "chapter")
    q.standardised(con, f, "reviewer_specialty")
    q.standardised(con, f, "reviewer_state")  # on decision_facts: per state list's rows
    q.case_outcomes(con, f, "year")
    q.items_per_letter(con, f)


def test_every_sql_file_is_rendered_with_exactly_its_slots(rendered, tmp_path: Path) -> None:
    db = build_query_db(tmp_path / "imr.duckdb", n_letters=40)
    f, text = q.Filters(), q.Filters(text="weaning")

    with duckdb.connect(str(db)) as con:  # an empty dwc_search (imr fetch): agreement runs
        con.execute(FETCH_SCHEMA.read_text("utf-8"))

    def every_query(con: duckdb.DuckDBPyConnection) -> None:
        for filters in (f, text):
            q.summary(con, filters)
            with pytest.MonkeyPatch.context() as patch:  # a text in most rows: from its misses
                patch.setattr(rates, "LETTERS_MISSES_SHARE", fulltext.MISSES_SHARE)
                q.summary(con, filters)
                q.overturn_rate_by(con, "drug_class", filters)
            q.overturn_rate_by(con, "reviewer_state", filters, by="service_category")
            q.trend(con, "quarter", filters, by="priority")
            q.overturn_rate_by(con, "drug_class", filters)  # letters by bitstring
            q.decisions(con, filters, limit=5)
            q.decisions(con, filters, limit=5, offset=5_000)  # a deep page: per-date counts
            q.decision_count(con, filters)
            q.search(con, "zolpidem", filters, limit=5)
            with pytest.MonkeyPatch.context() as patch:  # a word too common to rank
                patch.setattr(fulltext, "RANKED_MAX", 0)
                q.search(con, "zolpidem", filters, limit=5)
            with pytest.MonkeyPatch.context() as patch:  # ranked in numpy (bm25.scores)
                patch.setattr(fulltext.term_sets, "listed_term", lambda lite, term: False)
                q.search(con, "weaning", filters, limit=5)
            q.search(con, "documentation*", filters, limit=5)  # a prefix: FTS5 ranks it
            q.search_count(con, "zolpidem", filters)
            q.search_count(con, "zolpid*", filters)  # a prefix: FTS5, never a term's set
            q.compare(con, filters, filters.replace(date_from=date(2016, 1, 1)))
            q.export_manifest(con, filters)
            q.export_bytes(con, filters, "parquet")
            analyses(con, filters)
        q.filter_options(con)
        q.data_span(con)
        q.letter(con, "no such case")
        q.quarantined(con)
        q.parser_versions(con)
        coverage.coverage(con)
        q.agreement(con)
        source_file.source_file(con, "no such case")
        search_index.index_fresh(con, tmp_path / "imr.search.sqlite")

    with q.open_db(db) as con:  # no search index, no derived tables: the fallbacks
        every_query(con)
    with duckdb.connect(str(db)) as con:
        derived.refresh_derived(con)
    q.build_search_index(db)  # a rebuild
    q.build_search_index(db)  # an incremental sync
    with q.open_db(db) as con:
        every_query(con)
    with duckdb.connect(str(db)) as con:  # a later letter: the incremental refresh's SQL
        letters, items = make_rows(1, seed=3, start=40)
        letters[0]["ingested_at"] = datetime(2027, 1, 1)
        insert(con, letters, items)
        assert derived_delta.update_derived(con) == "1 letters updated in decision_facts"

    used = {(folder, name) for folder, name, _ in rendered}
    assert {(p.parent, p.stem) for p in SQL_FILES} <= used
    for folder, name, fragments in rendered:
        assert fragments == sqlfiles.slots(sqlfiles.load_sql(folder, name)), name


def test_a_writer_holding_the_file_is_a_typed_error(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "imr.duckdb"
    duckdb.connect(str(db)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(db)!r}); "
         "print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(connection, "LOCK_RETRY_SECONDS", 0.3)
        with pytest.raises(q.DatabaseLocked, match="lock"):
            q.open_db(db)
    finally:
        holder.communicate("")
    q.open_db(db).close()  # the writer is gone: readers get in


def test_a_missing_file_is_not_mistaken_for_a_lock(tmp_path: Path) -> None:
    with pytest.raises(duckdb.IOException) as caught:
        q.open_db(tmp_path / "missing.duckdb")
    assert not isinstance(caught.value, q.DatabaseLocked)
