"""Export exactly the filtered decisions (with their letter fields) plus a JSON manifest.

Rows stream from DuckDB as Arrow batches into the CSV or Parquet writer, so an export of
millions of rows never sits in Python memory whole.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import duckdb
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from queries.binding import bound
from queries.connection import db_path_of, db_version
from queries.filters import FilterError, Filters
from queries.runner import relation
from queries.tables import decision_count

FORMATS = ("csv", "parquet")
BATCH_ROWS = 50_000
BOM = b"\xef\xbb\xbf"  # lets Excel read the CSV as UTF-8


def manifest_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_suffix(path.suffix + ".manifest.json")


def export(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    path: str | Path,
    fmt: str = "csv",
    *,
    bom: bool = False,
) -> dict:
    """Write the file and its manifest beside it; return the manifest."""
    path = Path(path)
    with path.open("wb") as sink:
        manifest = _write(con, f, sink, fmt, bom)
    manifest["file"] = path.name
    manifest_path(path).write_text(json.dumps(manifest, indent=2, default=str), "utf-8")
    return manifest


def export_bytes(
    con: duckdb.DuckDBPyConnection, f: Filters, fmt: str = "csv", *, bom: bool = False
) -> tuple[bytes, dict]:
    """The exported file's bytes and its manifest (for a download button)."""
    sink = io.BytesIO()
    manifest = _write(con, f, sink, fmt, bom)
    return sink.getvalue(), manifest


def _write(con: duckdb.DuckDBPyConnection, f: Filters, sink: BinaryIO, fmt: str, bom: bool) -> dict:
    if fmt not in FORMATS:
        raise FilterError(f"Unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    rows = 0
    with bound(con, f) as (where, params):
        reader = relation(con, "export", params, where=where).to_arrow_reader(BATCH_ROWS)
        if fmt == "csv":
            if bom:
                sink.write(BOM)
            writer = pacsv.CSVWriter(sink, reader.schema)
        else:
            writer = pq.ParquetWriter(sink, reader.schema, compression="zstd")
        with writer:
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
    return _manifest(con, f, fmt, rows, reader.schema.names)


def export_manifest(con: duckdb.DuckDBPyConnection, f: Filters, fmt: str = "csv") -> dict:
    """The manifest an export of `f` carries, without building the file (for the app)."""
    if fmt not in FORMATS:
        raise FilterError(f"Unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    with bound(con, f) as (where, params):
        columns = relation(con, "export", params, where=where).columns
    return _manifest(con, f, fmt, decision_count(con, f), columns)


def _manifest(
    con: duckdb.DuckDBPyConnection, f: Filters, fmt: str, rows: int, columns: list[str]
) -> dict:
    db = db_path_of(con)
    return {
        "format": fmt,
        "rows": rows,
        "filters": f.to_query_params(),
        "description": f.describe(),
        "columns": list(columns),
        "database": str(db) if db else None,
        "database_version": db_version(db) if db else None,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
