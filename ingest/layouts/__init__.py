"""Letter text -> Letter: find the layout by its headings, then run that layout's parser.

`parse_letter` is pure and raises only `ParseError` (reasons: `unknown_format`, `no_items`,
`bad_item`, `layout_unsupported`), so a caller quarantines one code path. Which headings mark
which layout is data, in `layouts.toml`.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

from ingest.errors import ParseError
from ingest.errors import QuarantineReason as R
from ingest.extract import normalize_page
from ingest.model import Letter

__all__ = ["detect_layout", "parse_letter"]

_RULES = tomllib.loads((Path(__file__).parent / "layouts.toml").read_text())["layout"]
_DETECTORS = [
    (
        rule["code"],
        re.compile("^(?:" + "|".join(re.escape(h) for h in rule["headings"]) + ")", re.M),
        importlib.import_module(f"{__name__}.{rule['module']}").parse,
    )
    for rule in _RULES
]


def detect_layout(text: str) -> str | None:
    """The layout code of normalised letter text, or None when no layout's headings appear."""
    return next((code for code, pattern, _ in _DETECTORS if pattern.search(text)), None)


def parse_letter(text: str) -> Letter:
    """Parse one letter's text (as `ingest.extract.letter_text` returns it, or raw .txt)."""
    text = normalize_page(text)
    for _code, pattern, parse in _DETECTORS:
        if pattern.search(text):
            try:
                return parse(text)
            except ParseError:
                raise
            except Exception as exc:  # a parser bug must still quarantine, not crash a run
                raise ParseError(R.PARSER_ERROR, f"{type(exc).__name__}: {exc}"[:300]) from exc
    raise ParseError(R.UNKNOWN_FORMAT, "no known layout heading found")
