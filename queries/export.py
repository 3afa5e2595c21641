"""Export exactly the filtered decisions (with their letter fields) plus a JSON manifest.

An export of up to FETCH_ROWS rows (a year of one category at full scale) sorts only its
integer keys in DuckDB, fetches the picked decisions and letters unsorted, and puts them in
order by position in Arrow (`take`): DuckDB sorting the joined ~3 kB rows cost as much as
fetching them. A larger export streams from DuckDB's own join and sort (export.sql) as Arrow
batches, so millions of rows never sit in Python memory whole. Both give the same bytes. CSV
parts are placed and encoded on a small thread pool (pyarrow releases the GIL), each into one
buffer sized in advance (memory from the system allocator: see POOL), and written in order.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from queries.binding import bound, registered
from queries.connection import THREADS, db_path_of, db_version, index_path_for
from queries.filters import FilterError, Filters
from queries.runner import relation
from queries.tables import decision_count

FORMATS = ("csv", "parquet")
BATCH_ROWS = 16_384  # small enough that two encoder threads share a 65k-row export
FETCH_ROWS = 100_000  # up to this many rows (~300 MB of Arrow) take the keys-first path
BOM = b"\xef\xbb\xbf"  # lets Excel read the CSV as UTF-8
# The rows placed in order and their CSV are ~380 MB of short-lived memory per 65k-row export.
# pyarrow's default pool (mimalloc) backs blocks that large with 2 MB huge pages; on a VM that
# hands free 2 MB blocks back to its host (free page reporting, as on the bench machine), each
# such page may have to be brought back by the host on first touch, and the export's kernel
# time spread 0.3-3.3 s. The system allocator's 4 kB pages fault more often but evenly.
POOL: pa.MemoryPool = pa.system_memory_pool()


def manifest_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_suffix(path.suffix + ".manifest.json")


class ExportRefused(ValueError):
    """The target cannot or must not be written (the database itself, a folder, a device)."""


_DATABASE_MAGIC = ((8, b"DUCK"), (0, b"SQLite format 3\x00"))


def check_target(path: Path, db: Path | None, *, force: bool) -> None:
    """Refuse what would lose data: the database or a file beside it, any database file, a
    folder or device, an existing file (and its manifest) unless `force`."""
    path = Path(path)
    if db is not None:
        guarded = {db, Path(f"{db}.wal"), index_path_for(db), Path(f"{db}.lock")}
        if path.resolve() in {p.resolve() for p in guarded}:
            raise ExportRefused(f"{path} is the database or its index; choose another --out")
    for target in (path, manifest_path(path)):
        if not target.exists() and not target.is_symlink():
            continue
        if target.is_dir():
            raise ExportRefused(f"{target} is a folder; --out takes a file name")
        if not target.is_file():
            raise ExportRefused(f"{target} is not a regular file (a device or pipe); not written")
        if _looks_like_database(target):
            raise ExportRefused(f"{target} is a database file; it is never overwritten")
        if not force:
            raise ExportRefused(f"{target} exists; pass --force to overwrite it")


def _looks_like_database(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(32)
    except OSError:
        return False
    return any(head[at : at + len(magic)] == magic for at, magic in _DATABASE_MAGIC)


def export(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    path: str | Path,
    fmt: str = "csv",
    *,
    bom: bool = False,
    force: bool = False,
) -> dict:
    """Write the file and its manifest beside it; return the manifest. Each is written to a
    temporary file and renamed into place, so a failed export leaves no half file behind."""
    path = Path(path)
    check_target(path, db_path_of(con), force=force)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _replacing(path) as sink:
        manifest = _write(con, f, sink, fmt, bom)
    manifest["file"] = path.name
    with _replacing(manifest_path(path)) as sink:
        sink.write(json.dumps(manifest, indent=2, default=str).encode("utf-8"))
    return manifest


@contextmanager
def _replacing(path: Path) -> Iterator[BinaryIO]:
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(handle, "wb") as sink:
            yield sink
            sink.flush()
            os.fsync(sink.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


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
        keys = relation(con, "export_keys", params, where=where).to_arrow_table()
        if keys.num_rows <= FETCH_ROWS:
            schema, parts = _fetched_in_order(con, keys)
        else:
            reader = relation(con, "export", params, where=where).to_arrow_reader(BATCH_ROWS)
            schema, parts = reader.schema, (partial(_same, batch) for batch in reader)
        if fmt == "csv":
            if bom:
                sink.write(BOM)
            for n, chunk in _csv_chunks(parts, schema):
                sink.write(chunk)
                rows += n
        else:
            with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
                for part in parts:
                    batch = part()
                    writer.write_batch(batch)
                    rows += batch.num_rows
    return _manifest(con, f, fmt, rows, schema.names)


Part = Callable[[], pa.RecordBatch]  # makes one batch of the file's rows, in order


def _same(batch: pa.RecordBatch) -> pa.RecordBatch:
    return batch


def _fetched_in_order(
    con: duckdb.DuckDBPyConnection, keys: pa.Table
) -> tuple[pa.Schema, list[Part]]:
    """The rows of `keys` (decision_no, letter_no in file order) with export.sql's columns:
    each base table is read once, unsorted (both at once, on two cursors), and each part
    places its slice of rows by position (`take`) when called: on an encoder thread, so the
    placing runs in parallel and the rows are still in cache when they are encoded."""
    with ThreadPoolExecutor(2, thread_name_prefix="fetch") as pool:
        fetched = [pool.submit(_fetch, con, keys, name) for name in FETCHES]
        decisions, letters = (f.result() for f in fetched)
    at_d = pc.index_in(keys["decision_no"], value_set=decisions["decision_no"]).combine_chunks()
    at_l = pc.index_in(keys["letter_no"], value_set=letters["letter_no"]).combine_chunks()
    if at_d.null_count or at_l.null_count:  # a key without its row: the tables changed
        raise RuntimeError("export: a picked decision or letter was not found; retry")
    letters = letters.drop_columns(["letter_no"])
    schema = pa.schema([*letters.schema, *decisions.schema])

    def placed(start: int) -> pa.RecordBatch:
        rows_l, rows_d = at_l.slice(start, BATCH_ROWS), at_d.slice(start, BATCH_ROWS)
        columns = [pc.take(c, rows_l, memory_pool=POOL) for c in letters.columns]
        columns += [pc.take(c, rows_d, memory_pool=POOL) for c in decisions.columns]
        return pa.RecordBatch.from_arrays(columns, schema=schema)

    return schema, [partial(placed, start) for start in range(0, keys.num_rows, BATCH_ROWS)]


FETCHES = ("export_decisions", "export_letters")


def _fetch(con: duckdb.DuckDBPyConnection, keys: pa.Table, name: str) -> pa.RecordBatch:
    """One base table's picked rows as one batch (a cursor of its own: fetched in parallel)."""
    cursor = con.cursor()
    try:
        with registered(cursor, keys) as table:
            fetched = relation(cursor, name, {}, keys=table).to_arrow_table()
    finally:
        cursor.close()
    # one chunk (the usual case) is used as it is: combine_chunks would copy it
    columns = [c.chunk(0) if c.num_chunks == 1 else c.combine_chunks() for c in fetched.columns]
    return pa.RecordBatch.from_arrays(columns, schema=fetched.schema)


def _csv_chunks(parts: Iterable[Part], schema: pa.Schema) -> Iterator[tuple[int, pa.Buffer]]:
    """(rows, CSV bytes) per part, the header first, in order: the same bytes as one
    `pacsv.CSVWriter`. Each part is made and encoded on the pool; at most THREADS + 1 are in
    flight, so memory stays bounded."""
    yield 0, _encode_csv(pa.RecordBatch.from_pylist([], schema=schema), header=True)
    with ThreadPoolExecutor(THREADS, thread_name_prefix="csv") as pool:
        pending: deque[Future[tuple[int, pa.Buffer]]] = deque()
        for part in parts:
            pending.append(pool.submit(_made_and_encoded, part))
            if len(pending) > THREADS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _made_and_encoded(part: Part) -> tuple[int, pa.Buffer]:
    batch = part()
    return batch.num_rows, _encode_csv(batch, header=False)


def _encode_csv(batch: pa.RecordBatch, *, header: bool) -> pa.Buffer:
    """The batch's CSV. pyarrow's writer formats 1,024 rows at a time and appends each to the
    sink; a growing BufferOutputStream copies what it holds on every doubling (~1x the output
    again), so the rows go into one buffer sized for the most they can take instead."""
    options = pacsv.WriteOptions(include_header=header)
    if not header:
        room = pa.allocate_buffer(_csv_size_bound(batch), memory_pool=POOL)
        out = pa.FixedSizeBufferWriter(room)
        try:
            pacsv.write_csv(batch, out, options)
            return room.slice(0, out.tell())
        except OSError:  # "Write out of bounds": a type the bound does not know; never seen
            pass
    return _encode_growing(batch, options)


def _encode_growing(batch: pa.RecordBatch, options: pacsv.WriteOptions) -> pa.Buffer:
    out = pa.BufferOutputStream()
    pacsv.write_csv(batch, out, options)
    return out.getvalue()


NON_TEXT_WIDTH = 64  # >= any CSV field of a number, date, timestamp or boolean, with its comma


def _csv_size_bound(batch: pa.RecordBatch) -> int:
    """At least the CSV size of `batch` (no header): a text field is its bytes with every
    byte a doubled quote, two quotes and a comma at most; any other field NON_TEXT_WIDTH.
    Only the pages written are ever touched, so the slack costs address space, not memory."""
    size = 0
    for column in batch.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            size += 2 * column.nbytes + 3 * len(column)
        else:
            size += NON_TEXT_WIDTH * len(column)
    return size


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
