"""The query layer's fixed vocabularies, read once from vocabulary.toml (data, not code)."""

from __future__ import annotations

import tomllib
from pathlib import Path

_VOCAB = tomllib.loads((Path(__file__).with_name("vocabulary.toml")).read_text("utf-8"))

GRAINS: tuple[str, ...] = tuple(_VOCAB["grains"])
AGE_BANDS: tuple[str, ...] = tuple(_VOCAB["age_bands"])
CASE_OUTCOMES: tuple[str, ...] = tuple(_VOCAB["case_outcomes"])
PRIORITIES: tuple[str, ...] = tuple(_VOCAB["priorities"])
SEXES: tuple[str, ...] = tuple(_VOCAB["sexes"])
MIN_N: int = _VOCAB["min_n"]
URL_KEYS: dict[str, str] = dict(_VOCAB["url_keys"])
DIMENSIONS: dict[str, str] = dict(_VOCAB["dimensions"])
SORT_COLUMNS: dict[str, str] = dict(_VOCAB["sort_columns"])

# Filter fields whose allowed values are fixed here rather than read from the database.
FIXED_VALUES: dict[str, tuple[str, ...]] = {
    "age_band": AGE_BANDS,
    "case_outcome": CASE_OUTCOMES,
    "priority": PRIORITIES,
    "patient_sex": SEXES,
}
