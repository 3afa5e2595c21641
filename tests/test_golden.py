"""Every real letter parses to its reviewed golden output (tests/expected/golden/*.json)."""

from __future__ import annotations

import difflib

import pytest

from ingest.layouts import parse_letter
from tests.golden import GOLDEN_DIR, as_json, golden_of, path_for
from tests.layouts_helpers import REAL_LETTERS, real_text


def test_there_is_one_golden_file_per_real_letter() -> None:
    assert sorted(p.stem for p in GOLDEN_DIR.glob("*.json")) == [p.stem for p in REAL_LETTERS]


@pytest.mark.parametrize("case", [p.stem for p in REAL_LETTERS])
def test_parse_matches_the_golden_output(case: str) -> None:
    expected = path_for(case).read_text()
    actual = as_json(golden_of(parse_letter(real_text(case))))
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), f"golden/{case}.json", "parsed", lineterm=""
        )
        pytest.fail(
            "parse differs from the reviewed golden file (if intended: python -m tests.golden, "
            "then review the diff)\n" + "\n".join(diff),
            pytrace=False,
        )
