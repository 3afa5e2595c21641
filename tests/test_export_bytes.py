"""export_bytes' one copy into the returned `bytes` (queries/fresh_bytes.py): the same bytes as
a plain join and as the file `export` writes, made by the huge-page path where it applies."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pyarrow as pa
import pytest

import queries as q
from queries import fresh_bytes
from tests.querydb import build_query_db

export_module = importlib.import_module("queries.export")  # the module, not q.export


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_query_db(tmp_path_factory.mktemp("export_bytes") / "imr.duckdb")


def _thp_madvise() -> bool:
    try:
        mode = Path("/sys/kernel/mm/transparent_hugepage/enabled").read_text()
    except OSError:
        return False
    return "[never]" not in mode


@pytest.mark.parametrize("sizes", [[], [0], [3, 0, 5], [1, 9 << 20, 7], [(8 << 20) + 1]])
def test_joined_equals_a_plain_join_of_bytes_and_arrow_buffers(sizes):
    parts = []
    for i, size in enumerate(sizes):
        data = bytes((i * 31 + j) % 251 for j in range(min(size, 1000))) * (size // 1000 + 1)
        data = data[:size]
        parts.append(pa.py_buffer(data) if i % 2 else data)
    got = fresh_bytes.joined(parts)
    assert type(got) is bytes
    assert got == b"".join(bytes(p) for p in parts)
    assert hash(got) == hash(b"".join(bytes(p) for p in parts))


@pytest.mark.skipif(sys.platform != "linux" or not _thp_madvise(), reason="no Linux THP")
def test_a_large_result_asks_for_huge_pages(monkeypatch):
    asked = []
    real = fresh_bytes._advise_huge
    monkeypatch.setattr(fresh_bytes, "_advise_huge", lambda at, n: asked.append(real(at, n)))
    fresh_bytes.joined([b"x" * (16 << 20)])
    fresh_bytes.joined([b"small"])
    assert asked == [True, False]


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("f", [q.Filters(), q.Filters(service_category="Surgery")])
def test_export_bytes_equals_the_written_file_and_takes_the_joined_path(
    db, tmp_path, monkeypatch, f, bom
):
    calls = []
    real = fresh_bytes.joined
    monkeypatch.setattr(fresh_bytes, "joined", lambda parts: calls.append(1) or real(parts))
    with q.open_db(db) as con:
        data, manifest = q.export_bytes(con, f, bom=bom)
        q.export(con, f, tmp_path / "out.csv", bom=bom)
    assert calls == [1]  # the CSV went through the one sized copy, not a BytesIO
    assert manifest["rows"] > 0
    assert data == (tmp_path / "out.csv").read_bytes()
    assert data.startswith(export_module.BOM) is bom


def test_parquet_keeps_its_file_sink(db, monkeypatch):
    monkeypatch.setattr(fresh_bytes, "joined", lambda parts: pytest.fail("csv path taken"))
    with q.open_db(db) as con:
        data, manifest = q.export_bytes(con, q.Filters(), "parquet")
    assert data[:4] == b"PAR1" and manifest["rows"] > 0
