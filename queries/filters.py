"""Filters: the one place where user choices become SQL (a WHERE text plus bound values).

Values arrive from URLs and CLI flags, so they are type-checked here, checked against
allow-lists by `validate`, and only ever bound as parameters; column names come from code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime

from queries.vocab import DIMENSIONS, FIXED_VALUES, URL_KEYS

MAX_VALUES = 200  # per multi-value field; more is a malformed URL, not a real selection
MAX_VALUE_LEN = 300
MAX_TEXT_LEN = 500

CHOICE_FIELDS = (
    "service_category", "service_subcategory", "drug_class", "ca_guideline_source",
    "imr_guideline_source", "ca_mtus_chapter", "imr_mtus_chapter", "reviewer_specialty",
    "reviewer_state", "priority", "layout", "case_outcome", "age_band", "patient_sex",
)  # fmt: skip
BOOL_FIELDS = ("licensed_in_california", "partly_authorized", "is_demo")
DATE_FIELDS = ("date_from", "date_to")
_TRUE, _FALSE = ("1", "true", "yes"), ("0", "false", "no")


class FilterError(ValueError):
    """A filter value that is malformed or not allowed; the message names field and value."""


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    service_category: tuple[str, ...] = ()
    service_subcategory: tuple[str, ...] = ()
    drug_class: tuple[str, ...] = ()
    ca_guideline_source: tuple[str, ...] = ()
    imr_guideline_source: tuple[str, ...] = ()
    ca_mtus_chapter: tuple[str, ...] = ()
    imr_mtus_chapter: tuple[str, ...] = ()
    reviewer_specialty: tuple[str, ...] = ()
    reviewer_state: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    layout: tuple[str, ...] = ()
    case_outcome: tuple[str, ...] = ()
    age_band: tuple[str, ...] = ()
    patient_sex: tuple[str, ...] = ()
    licensed_in_california: bool | None = None
    partly_authorized: bool | None = None
    is_demo: bool | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        for name in DATE_FIELDS:
            object.__setattr__(self, name, _as_date(name, getattr(self, name)))
        for name in CHOICE_FIELDS:
            object.__setattr__(self, name, _as_choices(name, getattr(self, name)))
        for name in BOOL_FIELDS:
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise FilterError(f"{name}: expected true/false, got {value!r}")
        object.__setattr__(self, "text", _as_text(self.text))
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise FilterError(f"date_from {self.date_from} is after date_to {self.date_to}")

    @property
    def is_empty(self) -> bool:
        return self == Filters()

    def replace(self, **changes: object) -> Filters:
        return dataclasses.replace(self, **changes)

    def where(
        self,
        *,
        text_table: str | None = None,
        text_misses: bool = False,
        text_bits: bytes | None = None,
        prefix: str = "",
    ) -> tuple[str, dict[str, object]]:
        """WHERE text over the `items` relation (sql/items.sql) and its parameters.

        With `text_table` (a registered relation of matching decision numbers, column `rowid`,
        named by code) the free text restricts to search-index matches (an integer semi-join),
        or with `text_misses` to the numbers *not* in it (the complement, for a text in most
        rows); with `text_bits` (one bit per decision number, set where the text matches, as
        fulltext.bits packs them) to a bit lookup per row, no join at all; without either, to an
        ILIKE scan.
        `prefix` (code-made, e.g. `a_`) names the parameters, so two filters can be combined
        in one query (the overlap of two compared groups).
        """
        text, params = self._where(text_table, text_misses, text_bits)
        if not prefix:
            return text, params
        for name in sorted(params, key=len, reverse=True):  # $text_10 before $text_1
            text = text.replace(f"${name}", f"${prefix}{name}")
        return text, {f"{prefix}{k}": v for k, v in params.items()}

    def _where(
        self, text_table: str | None, text_misses: bool = False, text_bits: bytes | None = None
    ) -> tuple[str, dict[str, object]]:
        clauses: list[str] = []
        params: dict[str, object] = {}
        if self.date_from:
            clauses.append("decision_date >= $date_from")
            params["date_from"] = self.date_from
        if self.date_to:
            clauses.append("decision_date <= $date_to")
            params["date_to"] = self.date_to
        for name in CHOICE_FIELDS:
            values = getattr(self, name)
            if not values:
                continue
            names = [f"{name}_{i}" for i in range(len(values))]
            params.update(zip(names, values, strict=True))
            placeholders = ", ".join(f"${n}" for n in names)
            if name == "reviewer_state":
                clauses.append(f"list_has_any(reviewer_states, [{placeholders}])")
            else:
                clauses.append(f"{name} in ({placeholders})")
        for name in BOOL_FIELDS:
            if getattr(self, name) is not None:
                clauses.append(f"{name} = ${name}")
                params[name] = getattr(self, name)
        if self.text and text_bits is not None:  # a number past the bits reads the last, unset
            params["text_bits"] = text_bits
            bits = "$text_bits::bit"
            clauses.append(
                f"get_bit({bits}, least(decision_no, bit_length({bits}) - 1)::integer) = 1"
            )
        elif self.text and text_table:
            negation = "not " if text_misses else ""
            clauses.append(f"decision_no {negation}in (select rowid from {text_table})")
        elif self.text:
            for i, term in enumerate(self.text.split()):
                like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                params[f"text_{i}"] = like + "%"
                like_ = f"ilike $text_{i} escape '\\'"
                clauses.append(f"(service {like_} or rationale {like_})")
        return (" and ".join(clauses) or "true"), params

    def validate(self, options: Mapping[str, list[str]]) -> Filters:
        """Reject choices that are neither in the fixed vocabularies nor in `options`."""
        for name in CHOICE_FIELDS:
            allowed = set(FIXED_VALUES.get(name, ())) | set(options.get(name, ()))
            for value in getattr(self, name):
                if value not in allowed:
                    raise FilterError(
                        f"Unknown {name} ({URL_KEYS[name]}={value!r}); "
                        f"known values include: {', '.join(sorted(allowed)[:8]) or 'none'}"
                    )
        return self

    @classmethod
    def from_query_params(cls, params: Mapping[str, str | list[str]]) -> Filters:
        by_key = {key: name for name, key in URL_KEYS.items()}
        values: dict[str, object] = {}
        for key, raw in params.items():
            name = by_key.get(key)
            if name is None:
                raise FilterError(f"Unknown filter parameter {key!r}; known: {', '.join(by_key)}")
            items = [raw] if isinstance(raw, str) else list(raw)
            if name in CHOICE_FIELDS:
                values[name] = tuple(items)
                continue
            if len(items) != 1:
                raise FilterError(f"{key}: expected one value, got {len(items)}")
            values[name] = _as_bool(name, items[0]) if name in BOOL_FIELDS else items[0]
        return cls(**values)

    @classmethod
    def from_link(
        cls, params: Mapping[str, str | list[str]], options: Mapping[str, list[str]]
    ) -> tuple[Filters, list[str]]:
        """Filters from a URL keeping every usable value: each unknown key, malformed value
        or value the data does not hold is dropped alone, and named in the returned messages
        (a typo in one filter must not silently widen the view by dropping the others)."""
        by_key = {key: name for name, key in URL_KEYS.items()}
        good: dict[str, object] = {}
        problems: list[str] = []
        for key, raw in params.items():
            name = by_key.get(key)
            items = [raw] if isinstance(raw, str) else list(raw)
            if name is None:
                problems.append(f"Unknown filter parameter {key!r}")
                continue
            values = [(v,) for v in items] if name in CHOICE_FIELDS else [raw]
            kept = []
            for value in values:
                try:
                    one = cls.from_query_params({key: value}).validate(options)
                except FilterError as exc:
                    problems.append(str(exc))
                    continue
                kept.append(getattr(one, name))
            if kept:
                good[name] = tuple(v for t in kept for v in t) if name in CHOICE_FIELDS else kept[0]
        try:
            return cls(**good), problems
        except FilterError as exc:  # both dates fine alone, but from is after to
            problems.append(str(exc))
            return cls(**{**good, "date_from": None, "date_to": None}), problems

    def to_query_params(self) -> dict[str, str | list[str]]:
        out: dict[str, str | list[str]] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value == ():
                continue
            key = URL_KEYS[f.name]
            if isinstance(value, tuple):
                out[key] = value[0] if len(value) == 1 else list(value)
            elif isinstance(value, bool):
                out[key] = "1" if value else "0"
            else:
                out[key] = value.isoformat() if isinstance(value, date) else str(value)
        return out

    def describe(self) -> str:
        """A plain sentence for manifests and memos, e.g. 'Service category = Pharmaceuticals'."""
        parts = []
        for name in CHOICE_FIELDS:
            values = getattr(self, name)
            if values:
                label = DIMENSIONS.get(name, name.replace("_", " ").capitalize())
                op = "=" if len(values) == 1 else "in"
                parts.append(f"{label} {op} {', '.join(values)}")
        for name in BOOL_FIELDS:
            if getattr(self, name) is not None:
                parts.append(f"{DIMENSIONS[name]} = {'yes' if getattr(self, name) else 'no'}")
        if self.text:
            parts.append(f"text matches {self.text!r}")
        if self.date_from or self.date_to:
            lo = self.date_from.isoformat() if self.date_from else "the start"
            hi = self.date_to.isoformat() if self.date_to else "the latest"
            parts.append(f"decisions dated {lo} to {hi}")
        return "; ".join(parts) or "All decisions"


def _as_date(name: str, value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FilterError(f"{name}: expected a date YYYY-MM-DD, got {value!r}")


def _as_choices(name: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, tuple | list | set | frozenset):
        raise FilterError(f"{name}: expected a list of strings, got {value!r}")
    if len(value) > MAX_VALUES:
        raise FilterError(f"{name}: {len(value)} values; at most {MAX_VALUES} allowed")
    for v in value:
        if not isinstance(v, str) or not v or len(v) > MAX_VALUE_LEN or "\x00" in v:
            raise FilterError(f"{name}: not an acceptable value: {v!r}")
    return tuple(sorted(set(value)))


def _as_bool(name: str, raw: str) -> bool:
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise FilterError(f"{name} ({URL_KEYS[name]}): expected 1/0 or true/false, got {raw!r}")


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT_LEN or "\x00" in value:
        raise FilterError(f"text: expected a string of at most {MAX_TEXT_LEN} characters")
    return " ".join(value.split()) or None
