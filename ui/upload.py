"""Uploaded letters -> files on disk -> the one ingest run (the app never writes SQL).

Files are kept (under `uploads/` beside the database) because the Case page offers each
letter's source file. Ingest runs in this process, serially: an upload is a handful of small
files, the pipeline parses fewer than 8 jobs without a process pool, and its RunSummary comes
back as a value to show. The read connections the app opens are short-lived, so they only
delay the writer by milliseconds.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from imr.ingest_run import ingest_and_refresh

MAX_UPLOAD_MB = 25  # same bound as the pipeline's MAX_FILE_BYTES: a real letter is < 1 MB
SUFFIXES = ("pdf", "txt")


def upload_dir(db_path: str | Path) -> Path:
    return Path(db_path).resolve().parent / "uploads"


def safe_name(name: str) -> str:
    """A file name that cannot escape its folder or surprise a shell."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "letter"
    return stem[:120]


def save(files: list[tuple[str, bytes]], folder: Path) -> list[Path]:
    """Write each upload under a folder named by its content hash (same bytes, same path)."""
    saved = []
    for name, content in files:
        target = folder / hashlib.sha256(content).hexdigest()[:16] / safe_name(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.write_bytes(content)
        saved.append(target)
    return saved


def ingest(files: list[tuple[str, bytes]], db_path: str | Path):
    """Save, ingest and refresh the query caches; returns the pipeline's RunSummary."""
    paths = save(files, upload_dir(db_path))
    return ingest_and_refresh(paths, db_path, workers=1)
