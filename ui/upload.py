"""Uploaded letters -> files on disk -> the one ingest run (the app never writes SQL).

Files are kept (under `uploads/` beside the database) because the Case page offers each
letter's source file; a file the run refused is deleted again (a bomb must not stay on the
server), except a `case_conflict`, which `imr ingest --replace` may still pick. Ingest runs
from this process with one worker process, so a hostile upload exhausts that worker, never
the server. What comes back names files only: the server's paths are not the user's business.
`imr app --no-upload` (env `IMR_NO_UPLOAD=1`) turns uploads off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
from pathlib import Path

from imr.ingest_run import QuarantineReason, RunSummary, ingest_and_refresh

MAX_UPLOAD_MB = 25  # same bound as the pipeline's MAX_FILE_BYTES: a real letter is < 1 MB
SUFFIXES = ("pdf", "txt")
MAX_NAME = 120  # well under the 255 bytes a file name may have, suffix included
NO_UPLOAD_ENV = "IMR_NO_UPLOAD"
KEPT_WHEN_REFUSED = {QuarantineReason.CASE_CONFLICT}


class UploadsDisabled(RuntimeError):
    """The app was started with `--no-upload`."""


def enabled() -> bool:
    """Whether this server accepts uploads (`imr app --no-upload` sets IMR_NO_UPLOAD=1)."""
    return os.environ.get(NO_UPLOAD_ENV, "").strip().lower() in ("", "0", "false", "no")


def upload_dir(db_path: str | Path) -> Path:
    return Path(db_path).resolve().parent / "uploads"


def safe_name(name: str) -> str:
    """A file name that cannot escape its folder or surprise a shell, its suffix kept."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "letter"
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem or not suffix or len(suffix) > 8:
        stem, suffix = base, ""
    stem = stem[: MAX_NAME - len(suffix) - 1].rstrip("._") or "letter"
    return f"{stem}.{suffix}" if suffix else stem


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


def ingest(files: list[tuple[str, bytes]], db_path: str | Path) -> RunSummary:
    """Save, ingest and refresh the query caches; returns the run's summary with file names
    only. Raises `UploadsDisabled`, or `WriterBusy` while another run writes."""
    if not enabled():
        raise UploadsDisabled("uploads are turned off on this server (imr app --no-upload)")
    paths = save(files, upload_dir(db_path))
    summary = ingest_and_refresh(paths, db_path, workers=1)
    for failed in summary.quarantined:
        if failed.reason not in KEPT_WHEN_REFUSED:
            _remove(Path(failed.path))
    summary.quarantined = [
        dataclasses.replace(f, path=Path(f.path).name, detail=_names_only(f.detail, paths))
        for f in summary.quarantined
    ]
    summary.ignored = [Path(p).name for p in summary.ignored]
    return summary


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()  # the hash folder, when it held only this file


def _names_only(detail: str, paths: list[Path]) -> str:
    for path in paths:
        detail = detail.replace(str(path.parent) + os.sep, "")
    return detail
