"""One error family and one list of quarantine reasons, documented where users read them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ingest.errors import ExtractError, IngestError, ParseError, QuarantineReason

ROOT = Path(__file__).resolve().parents[1]


def _readme_reasons() -> set[str]:
    text = (ROOT / "README.md").read_text()
    start = text.index("goes to the `quarantine` table")
    bullet = text[start : text.index("\n- ", start)]
    return set(re.findall(r"`([a-z_]+)`", bullet)) - {"quarantine"}


def test_the_readme_lists_exactly_the_enum_reasons() -> None:
    assert _readme_reasons() == {r.value for r in QuarantineReason}


@pytest.mark.parametrize("cls", [ExtractError, ParseError])
def test_extract_and_parse_errors_are_one_family(cls: type[IngestError]) -> None:
    exc = cls(QuarantineReason.NO_ITEMS, "why")
    assert isinstance(exc, IngestError)
    assert (exc.reason, exc.detail, str(exc)) == (QuarantineReason.NO_ITEMS, "why", "no_items: why")
    with pytest.raises(ValueError):
        cls("not_a_reason")  # a typo cannot reach the quarantine table


def test_no_reason_is_written_as_a_loose_string_in_ingest() -> None:
    """Calls that take a reason get a `QuarantineReason` member, never a string literal."""
    takes_reason = {"ExtractError": 0, "ParseError": 0, "IngestError": 0, "_failed": 2}
    loose = []
    for path in (ROOT / "ingest").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            at = takes_reason.get(name)
            if name == "FailedFile":
                at = 3
            args = node.args
            if at is not None and len(args) > at and isinstance(args[at], ast.Constant):
                loose.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not loose, loose
