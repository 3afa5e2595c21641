"""One file -> ParsedFile or FailedFile. Runs in worker processes, so it never raises."""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass
from pathlib import Path

from common.paths import display_path, display_text
from ingest.errors import IngestError
from ingest.errors import QuarantineReason as R
from ingest.extract import extract_pages, letter_text
from ingest.files import read_regular
from ingest.layouts import parse_letter
from ingest.limits import start_file_clock
from ingest.model import FailedFile, ParsedFile
from ingest.rows import decision_rows, letter_row


@dataclass(frozen=True)
class FileJob:
    path: str
    sha256: str
    size_bytes: int
    mtime_ns: int
    is_demo: bool
    extractor: str
    max_bytes: int = 25 * 1024 * 1024


def process_file(job: FileJob) -> ParsedFile | FailedFile:
    """Extract, parse and normalise one file; any failure becomes a quarantine record."""
    stage = "read"
    start_file_clock()
    try:
        data = read_regular(job.path, job.max_bytes)
        if hashlib.sha256(data).hexdigest() != job.sha256:
            return _failed(job, "read", R.CHANGED_DURING_INGEST, "the file changed while read")
        stage = "extract"
        pages = extract_pages(data, Path(job.path).suffix, job.extractor)
        text = letter_text(pages)
        stage = "parse"
        letter = parse_letter(text)
        stage = "normalize"
        row = letter_row(
            letter,
            text=text,
            source_path=display_path(job.path),
            source_sha256=job.sha256,
            page_count=len(pages),
            is_demo=job.is_demo,
        )
        return ParsedFile(
            path=job.path,
            sha256=job.sha256,
            size_bytes=job.size_bytes,
            mtime_ns=job.mtime_ns,
            letter=row,
            decisions=decision_rows(letter, row["letter_id"]),
        )
    except IngestError as exc:
        return _failed(job, stage, exc.reason, exc.detail)
    except MemoryError:
        return _failed(job, stage, R.RESOURCE_LIMIT, "over the worker's memory limit")
    except OSError as exc:
        return _failed(job, stage, R.UNREADABLE, f"{type(exc).__name__}: {exc.strerror or exc}")
    except Exception as exc:  # a bug must not lose the file or stop the run: quarantine it
        tail = traceback.format_exc(limit=3).strip().splitlines()[-1]
        return _failed(job, stage, R.INTERNAL_ERROR, f"{type(exc).__name__}: {exc} ({tail})"[:500])


def _failed(job: FileJob, stage: str, reason: R, detail: str) -> FailedFile:
    return FailedFile(
        path=job.path,
        sha256=job.sha256,
        stage=stage,
        reason=reason,
        detail=display_text(detail),
        size_bytes=job.size_bytes,
        mtime_ns=job.mtime_ns,
    )
