"""Reviewer certifications (as written) -> canonical primary specialty.

The table is taxonomy/specialties.toml; close misspellings are accepted through difflib so
that a new typo in the source does not create a new specialty.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

TAXONOMY = Path(__file__).parent / "taxonomy"
UNCLASSIFIED = "Unclassified"

_NOT_WORD = re.compile(r"[^a-z0-9/]+")


def _key(name: str) -> str:
    """Lower case, '&' read as 'and', punctuation and spacing ignored."""
    return " ".join(_NOT_WORD.sub(" ", name.lower().replace("&", " and ")).split())


@cache
def _table() -> tuple[dict[str, str], float]:
    with (TAXONOMY / "specialties.toml").open("rb") as f:
        t = tomllib.load(f)
    table = {_key(name): name for name in t["canonical"]}
    table.update({_key(alias): name for alias, name in t["aliases"].items()})
    return table, t["typo_cutoff"]


@cache
def canonical_name(certification: str) -> str:
    """One certification -> its canonical DWC name, or Unclassified."""
    table, cutoff = _table()
    key = _key(certification)
    if key in table:
        return table[key]
    close = difflib.get_close_matches(key, table, n=1, cutoff=cutoff) if key else []
    return table[close[0]] if close else UNCLASSIFIED


def _split(certifications: Sequence[str]) -> list[str]:
    """Accepts a list, or one comma-joined string as it appears in the letter."""
    parts = (p.strip() for c in certifications for p in c.split(","))
    return [p for p in parts if p]


def canonical_certifications(certifications: Sequence[str]) -> tuple[str, ...]:
    """Every listed certification, canonical, in letter order."""
    return tuple(canonical_name(c) for c in _split(certifications))


def canonical_specialty(certifications: Sequence[str]) -> str:
    """The primary (first-listed) specialty, canonical; Unclassified if none is listed."""
    certs = _split(certifications)
    return canonical_name(certs[0]) if certs else UNCLASSIFIED
