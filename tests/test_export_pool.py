"""The export's placed rows and CSV buffers come from export.POOL (the system allocator, not
pyarrow's default pool: see queries/export.py), and the bytes do not depend on the pool."""

from __future__ import annotations

import importlib

import pyarrow as pa
import pytest

import queries as q
from tests.querydb import build_query_db

export_module = importlib.import_module("queries.export")  # the module, not q.export


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_query_db(tmp_path_factory.mktemp("export_pool") / "imr.duckdb")


def test_the_pool_is_the_system_allocator():
    assert export_module.POOL.backend_name == "system"


@pytest.mark.parametrize("f", [q.Filters(), q.Filters(service_category="Surgery")])
def test_placing_and_encoding_allocate_from_the_pool_and_give_the_same_bytes(db, monkeypatch, f):
    counted = pa.proxy_memory_pool(pa.system_memory_pool())
    with q.open_db(db) as con:
        monkeypatch.setattr(export_module, "POOL", counted)
        data, manifest = q.export_bytes(con, f, bom=True)
        assert counted.max_memory() > len(data) // 2  # the take and the CSV buffers went there
        assert counted.bytes_allocated() == 0  # and were given back
        monkeypatch.setattr(export_module, "POOL", pa.default_memory_pool())
        again, _ = q.export_bytes(con, f, bom=True)
    assert manifest["rows"] > 0 and data == again
