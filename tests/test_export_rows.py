"""The export's rows and bytes, recomputed without the query layer: every column of every
filtered decision with its letter's fields, in (letter_id, item_no) order, on both the derived
fast path and the plain join (stale derived tables), and the CSV bytes equal to one pyarrow
CSVWriter over the same rows however the batches are split between encoder threads."""

from __future__ import annotations

import importlib
import io
import shutil
from functools import partial

import duckdb
import polars as pl
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import queries as q
from queries.derived import derived_fresh, refresh_derived
from tests.querydb import build_query_db

export_module = importlib.import_module("queries.export")  # the module, not q.export

F = q.Filters(service_category="Surgery", patient_sex="female")
CASES = {
    "surgery, female": (F, (pl.col("service_category") == "Surgery") & (pl.col("patient_sex") == "female")),  # noqa: E501
    "all": (q.Filters(), pl.lit(True)),
    "nothing": (q.Filters(date_from="2001-01-01", date_to="2001-12-31"), None),
}  # fmt: skip


@pytest.fixture(scope="module")
def dbs(tmp_path_factory):
    """The same rows twice: derived tables fresh (fast path) and never built (the join)."""
    folder = tmp_path_factory.mktemp("export_rows")
    plain = build_query_db(folder / "plain.duckdb")
    derived = folder / "derived.duckdb"
    shutil.copy(plain, derived)
    with duckdb.connect(str(derived)) as con:
        refresh_derived(con)
    return {"plain": plain, "derived": derived}


def expected(path, predicate) -> pl.DataFrame:
    """Decisions joined to letters in polars, the export's columns and order."""
    with duckdb.connect(str(path), read_only=True) as con:
        letters = con.sql("select * exclude (raw_text) from letters").pl()
        decisions = con.sql("select * from decisions").pl()
    letters = letters.with_columns(
        pl.col("reviewer_states").list.join("; "),
        pl.col("reviewer_certifications").list.join("; "),
    )
    moved = ["reviewer_states", "reviewer_certifications"]
    letters = letters.select(pl.exclude(moved), *moved)
    joined = letters.join(decisions, on="letter_id", how="inner")
    return joined.filter(predicate).sort("letter_id", "item_no")


@pytest.mark.parametrize("path_kind", ["derived", "plain"])
@pytest.mark.parametrize("case", ["surgery, female", "all"])
def test_every_column_of_every_filtered_row_in_order(dbs, path_kind, case):
    path = dbs[path_kind]
    f, predicate = CASES[case]
    with q.open_db(path) as con:
        assert derived_fresh(con) is (path_kind == "derived")
        data, manifest = q.export_bytes(con, f, "parquet")
    got = pl.read_parquet(io.BytesIO(data))
    want = expected(path, predicate)
    assert want.height > 0 and manifest["rows"] == want.height
    assert got.columns == want.columns
    assert got.equals(want.select(got.columns))


def test_csv_bytes_equal_one_writer_over_the_same_rows(dbs):
    with q.open_db(dbs["derived"]) as con:
        data, manifest = q.export_bytes(con, q.Filters(), "csv", bom=True)
        rows = pq.read_table(io.BytesIO(q.export_bytes(con, q.Filters(), "parquet")[0]))
    sink = io.BytesIO()
    with pacsv.CSVWriter(sink, rows.schema) as writer:
        writer.write_table(rows)
    assert manifest["rows"] == rows.num_rows > 600
    assert data == b"\xef\xbb\xbf" + sink.getvalue()
    # many small batches through the encoder threads: the same bytes, rows counted once
    parts = [partial(lambda b: b, b) for b in rows.to_batches(max_chunksize=7)]
    chunks = list(export_module._csv_chunks(parts, rows.schema))
    assert sum(n for n, _ in chunks) == rows.num_rows and len(chunks) > 90
    assert b"".join(bytes(c) for _, c in chunks) == sink.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_export_of_no_rows_has_the_header_and_says_zero(dbs, fmt):
    f = CASES["nothing"][0]
    with q.open_db(dbs["derived"]) as con:
        data, manifest = q.export_bytes(con, f, fmt)
        columns = q.export_manifest(con, f)["columns"]
    assert manifest["rows"] == 0
    got = pl.read_csv(data) if fmt == "csv" else pl.read_parquet(io.BytesIO(data))
    assert got.height == 0 and got.columns == columns


@pytest.mark.parametrize("path_kind", ["derived", "plain"])
def test_keys_first_and_streamed_paths_give_the_same_bytes(dbs, path_kind, monkeypatch):
    """An export up to FETCH_ROWS rows is placed in order in Arrow; a larger one is DuckDB's
    join and sort (export.sql): the file must not depend on which one ran."""
    with q.open_db(dbs[path_kind]) as con:
        for f in (CASES["surgery, female"][0], q.Filters()):
            for fmt in ("csv", "parquet"):
                monkeypatch.setattr(export_module, "FETCH_ROWS", 10**9)
                fetched, m1 = q.export_bytes(con, f, fmt, bom=True)
                monkeypatch.setattr(export_module, "FETCH_ROWS", 0)
                streamed, m2 = q.export_bytes(con, f, fmt, bom=True)
                assert m1["rows"] == m2["rows"] > 0 and m1["columns"] == m2["columns"]
                assert fetched == streamed, (f, fmt)


def test_csv_size_bound_holds_for_the_widest_fields(monkeypatch):
    """Each part is encoded into one buffer of `_csv_size_bound` bytes: the bound must hold
    for text made only of quotes and for the widest numbers and times, and the growing
    fallback must not be needed (it would cost a copy of the output per doubling)."""
    import datetime as dt

    import pyarrow as pa

    batch = pa.RecordBatch.from_pydict(
        {
            "quotes": ['"' * 500, "", None, 'a,"b"\n', "é”°®" * 50],
            "big": [-(2**63), 2**63 - 1, None, 0, -1],
            "float": [-1.2345678901234567e-308, 1.7976931348623157e308, None, 0.1, -0.0],
            "when": [dt.datetime(9999, 12, 31, 23, 59, 59, 999999), None, dt.datetime(1, 1, 1),
                     dt.datetime(2019, 1, 1), dt.datetime(2019, 6, 30, 12)],
            "day": [dt.date(9999, 12, 31), None, dt.date(1, 1, 1), dt.date(2019, 1, 1), None],
            "flag": [True, False, None, True, False],
        }
    )  # fmt: skip
    sink = io.BytesIO()
    pacsv.write_csv(batch, sink, pacsv.WriteOptions(include_header=False))

    def growing(*_):
        raise AssertionError("the sized buffer was too small")

    monkeypatch.setattr(export_module, "_encode_growing", growing)
    assert export_module._encode_csv(batch, header=False).to_pybytes() == sink.getvalue()
    for name in batch.schema.names:  # column by column: no column's slack covers another's
        column = batch.select([name])
        encoded = export_module._encode_csv(column, header=False)
        assert export_module._csv_size_bound(column) >= encoded.size > 0, name
