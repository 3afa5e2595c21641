"""A full index build reads the frequent words' counts through connections of its own. At
full scale the build's writes overflow SQLite's page cache, and a write that spills takes the
file's exclusive lock: a read after it failed with "database is locked" (found building the
3.34 M-decision benchmark). Here a one-page cache makes the small test index spill alike."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

import queries as q
from queries import term_counts, term_sets
from queries.connection import index_path_for
from tests.querydb import build_query_db


def test_a_rebuild_whose_writes_spill_the_cache_still_reads_the_counts(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = build_query_db(tmp_path / "imr.duckdb", n_letters=60)
    replace = term_sets.replace

    def spilling_replace(lite: sqlite3.Connection, *args, **kwargs) -> None:
        lite.execute("pragma cache_size = 1")  # every write spills: the exclusive lock at once
        replace(lite, *args, **kwargs)

    monkeypatch.setattr(term_sets, "replace", spilling_replace)
    assert q.build_search_index(db, incremental=False)["mode"] == "rebuild"
    with closing(sqlite3.connect(index_path_for(db))) as lite:
        assert term_counts.complete(lite)
        counted = {r[0] for r in lite.execute("select distinct term from term_counts")}
        assert counted and counted == set(term_counts.words(lite))
