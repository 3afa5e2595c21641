"""Field-by-field comparison of a parsed letter with the letter it was generated from."""

from __future__ import annotations

import re
from dataclasses import fields

from ingest.model import Item, Letter

_SKIP = ("items", "warnings", "layout")
LETTER_FIELDS = (
    *(f.name for f in fields(Letter) if f.name not in _SKIP),
    "layout",
    "item_count",
    "case_outcome",
)
ITEM_FIELDS = tuple(f.name for f in fields(Item) if f.name != "item_no")
_SPACE = re.compile(r"\s+")


def _norm(value: object) -> object:
    if isinstance(value, str):
        return _SPACE.sub(" ", value).strip()
    if isinstance(value, tuple):
        return tuple(_norm(v) for v in value)
    return value


def _letter_value(letter: Letter, name: str) -> object:
    if name == "item_count":
        return len(letter.items)
    return getattr(letter, name)


def compare_letters(truth: Letter, parsed: Letter) -> dict[str, bool]:
    """{"letter.<field>": ok, "item.<field>": ok (all items right)}; extra keys are counts."""
    result = {
        f"letter.{name}": _norm(_letter_value(truth, name)) == _norm(_letter_value(parsed, name))
        for name in LETTER_FIELDS
    }
    same_count = len(truth.items) == len(parsed.items)
    for name in ITEM_FIELDS:
        result[f"item.{name}"] = same_count and all(
            _norm(getattr(a, name)) == _norm(getattr(b, name))
            for a, b in zip(truth.items, parsed.items, strict=False)
        )
    return result


def mismatches(truth: Letter, parsed: Letter) -> list[str]:
    """Readable differences, for the check's report of the first failures."""
    out = []
    for key, ok in compare_letters(truth, parsed).items():
        if ok:
            continue
        kind, name = key.split(".")
        if kind == "letter":
            out.append(f"{name}: {_letter_value(truth, name)!r} != {_letter_value(parsed, name)!r}")
        else:
            for a, b in zip(truth.items, parsed.items, strict=False):
                if _norm(getattr(a, name)) != _norm(getattr(b, name)):
                    out.append(
                        f"item {a.item_no} {name}: {getattr(a, name)!r} != {getattr(b, name)!r}"
                    )
                    break
    return out
