"""Guideline citation -> source (MTUS, ODG, ...), MTUS chapter and edition.

The patterns and the precedence rules live in taxonomy/guidelines.toml; this module applies
them. Both citation lines of an item (claims administrator, MAXIMUS) go through here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

TAXONOMY = Path(__file__).parent / "taxonomy"
MTUS = "MTUS"
NONE_CITED = "None cited"
OTHER_NON_MTUS = "Other non-MTUS"
UNCLASSIFIED = "Unclassified"
UNKNOWN_CHAPTER = "Unknown MTUS chapter"
SOURCES = (MTUS, "ODG", "ACOEM (non-MTUS)", OTHER_NON_MTUS, NONE_CITED)

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_YEAR_STOP = re.compile(r"[,.;]|section|page")


@dataclass(frozen=True)
class GuidelineClass:
    source: str
    mtus_chapter: str | None  # None unless source is MTUS
    edition: str | None  # e.g. "2004", "2016", "2017+"; None when not written


@dataclass(frozen=True)
class _Rules:
    none_cited: tuple[re.Pattern[str], ...]
    mtus: tuple[re.Pattern[str], ...]
    non_mtus: tuple[tuple[re.Pattern[str], str], ...]
    non_mtus_sentence: re.Pattern[str]
    mtus_part_end: re.Pattern[str]
    chapters: tuple[tuple[re.Pattern[str], str], ...]
    new_acoem_names: re.Pattern[str]
    new_acoem_edition: str


@cache
def _rules() -> _Rules:
    with (TAXONOMY / "guidelines.toml").open("rb") as f:
        t = tomllib.load(f)
    return _Rules(
        none_cited=tuple(re.compile(p) for p in t["none_cited"]),
        mtus=tuple(re.compile(p) for p in t["mtus"]),
        non_mtus=tuple((re.compile(e["match"]), e["source"]) for e in t["non_mtus"]),
        non_mtus_sentence=re.compile(t["non_mtus_sentence"]),
        mtus_part_end=re.compile(t["mtus_part_end"]),
        chapters=tuple((re.compile(e["match"]), e["chapter"]) for e in t["chapters"]),
        new_acoem_names=re.compile(t["new_acoem_names"]),
        new_acoem_edition=t["new_acoem_edition"],
    )


def _first(patterns: tuple[tuple[re.Pattern[str], str], ...], text: str) -> re.Match | None:
    """The earliest match of any pattern, paired with its label via `.re`."""
    matches = [m for p, _ in patterns if (m := p.search(text))]
    return min(matches, key=lambda m: m.start(), default=None)


def _label(patterns: tuple[tuple[re.Pattern[str], str], ...], match: re.Match) -> str:
    return next(label for p, label in patterns if p is match.re)


def _mtus_class(text: str, start: int, r: _Rules) -> GuidelineClass:
    end = r.mtus_part_end.search(text, start)
    part = text[start : end.start() if end else len(text)]
    match = _first(r.chapters, part)
    if match is None:
        return GuidelineClass(MTUS, UNKNOWN_CHAPTER, None)
    after = part[match.end() : match.end() + 60]
    stop = _YEAR_STOP.search(after)
    year = _YEAR.search(after[: stop.start() if stop else len(after)])
    edition = year.group() if year else None
    if edition is None and r.new_acoem_names.search(part[match.start() : match.end() + 25]):
        edition = r.new_acoem_edition
    return GuidelineClass(MTUS, _label(r.chapters, match), edition)


@lru_cache(maxsize=500_000)  # distinct strings; bounded for 3 M-row renormalisation
def classify_guideline(citation: str) -> GuidelineClass:
    """Source, MTUS chapter and edition of one citation line, as written in the letter."""
    text = " ".join(citation.lower().split())
    r = _rules()
    if not text or any(p.search(text) for p in r.none_cited):
        return GuidelineClass(NONE_CITED, None, None)
    mtus = [m for p in r.mtus if (m := p.search(text))]
    if mtus:
        return _mtus_class(text, min(m.end() for m in mtus), r)
    source = _first(r.non_mtus, text)
    if source is not None:
        return GuidelineClass(_label(r.non_mtus, source), None, None)
    if r.non_mtus_sentence.search(text):
        return GuidelineClass(OTHER_NON_MTUS, None, None)
    return GuidelineClass(UNCLASSIFIED, None, None)
