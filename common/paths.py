"""Where things live by default, and how a file name that is not valid UTF-8 is kept.

File names on Linux are bytes. Python hands a name such as b'caf\\xe9.pdf' over as the str
'caf\\udce9.pdf' (a lone surrogate) that DuckDB cannot store as VARCHAR. Every layer keeps
the lossless bytes (`path_bytes`, stored as BLOB) and shows people `display_path`.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = Path("data/imr.duckdb")
DEFAULT_EXPORTS = Path("exports")  # git-ignored; `imr export` writes here unless told otherwise


def path_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file name exactly as the file system holds it (lossless, for BLOB columns)."""
    return os.fsencode(path)


def path_from_bytes(raw: bytes) -> Path:
    """The inverse of `path_bytes`: a Path that opens the very same file."""
    return Path(os.fsdecode(raw))


def display_path(path: str | os.PathLike[str]) -> str:
    """Valid UTF-8 text for people and VARCHAR columns; undecodable bytes show as `\\xe9`."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def display_text(text: str) -> str:
    """Any str made storable: lone surrogates (from file names in messages) become `\\xNN`."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape" if _escapable(text) else "backslashreplace")
        return raw.decode("utf-8", "backslashreplace")


def _escapable(text: str) -> bool:
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in text)
