"""The one family of ingest errors, and the one list of reasons a file is quarantined for.

Every stage raises an `IngestError` with a `QuarantineReason`; the worker turns any of them
into a quarantine row the same way. The README's list of reasons is checked against this
enum by a test, so a new reason cannot go undocumented.
"""

from __future__ import annotations

from enum import StrEnum


class QuarantineReason(StrEnum):
    """The short code stored in `quarantine.reason` (values are part of the public schema)."""

    # read: before any bytes are interpreted
    UNREADABLE = "unreadable"
    UNSUPPORTED_TYPE = "unsupported_type"
    TOO_LARGE = "too_large"
    CHANGED_DURING_INGEST = "changed_during_ingest"
    # extract, in the worker: memory, CPU time or page count over the per-file limits,
    # or the worker died twice on this file
    RESOURCE_LIMIT = "resource_limit"
    # extract: bytes -> text
    EMPTY_FILE = "empty_file"
    NOT_A_PDF = "not_a_pdf"
    CORRUPT_PDF = "corrupt_pdf"
    ENCRYPTED_NO_PASSWORD = "encrypted_no_password"
    NO_TEXT_LAYER = "no_text_layer"
    EMPTY_TEXT = "empty_text"
    # parse: text -> Letter
    UNKNOWN_FORMAT = "unknown_format"
    NO_ITEMS = "no_items"
    BAD_ITEM = "bad_item"
    LAYOUT_UNSUPPORTED = "layout_unsupported"
    PARSER_ERROR = "parser_error"
    # store: the case is already stored from a file whose letter reads differently
    CASE_CONFLICT = "case_conflict"
    # any stage: a bug, caught so the run goes on
    INTERNAL_ERROR = "internal_error"


class IngestError(Exception):
    """A file ingest cannot use; `reason` is its quarantine code, `detail` a short why."""

    def __init__(self, reason: QuarantineReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = QuarantineReason(reason)
        self.detail = detail


class ExtractError(IngestError):
    """The file's text cannot be read (empty, not a PDF, broken, encrypted, no text layer)."""


class ParseError(IngestError):
    """The text is read but is not a letter the parsers understand."""
