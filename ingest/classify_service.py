"""Disputed service text -> DWC category, subcategory and drug class.

The rules are data (taxonomy/services.toml, taxonomy/drugs.toml, read once and compiled);
this module only applies them in the documented order. Results are cached per distinct
string because the same requests ("MRI of the lumbar spine") recur thousands of times.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

TAXONOMY = Path(__file__).parent / "taxonomy"
UNCLASSIFIED = "Unclassified"
NOT_APPLICABLE = "Not applicable"  # drug_class of a non-pharmaceutical item
PHARMACEUTICALS = "Pharmaceuticals"
TOPICAL_COMPOUNDS = "Topical Compounds"
TOPICAL_ANALGESICS = "Topical Analgesics"
OPIOIDS = "Opioids"

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PERCENT = re.compile(r"\d\s*%")


@dataclass(frozen=True)
class ServiceClass:
    category: str
    subcategory: str
    drug_class: str


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    result: ServiceClass


@dataclass(frozen=True)
class _Rules:
    before_drugs: tuple[_Rule, ...]
    rules: tuple[_Rule, ...]
    prescription_like: re.Pattern[str]
    drugs: dict[str, str]
    compound_patterns: tuple[re.Pattern[str], ...]
    compound_products: frozenset[str]
    topical_forms: frozenset[str]
    min_ingredients: int
    keep_class_when_topical: frozenset[str]


def _load_toml(name: str) -> dict:
    with (TAXONOMY / name).open("rb") as f:
        return tomllib.load(f)


def _compile(entries: list[dict]) -> tuple[_Rule, ...]:
    return tuple(
        _Rule(
            re.compile(e["match"]),
            ServiceClass(e["category"], e["subcategory"], NOT_APPLICABLE),
        )
        for e in entries
    )


@cache
def _rules() -> _Rules:
    services, drugs = _load_toml("services.toml"), _load_toml("drugs.toml")
    compound = drugs["compound"]
    return _Rules(
        before_drugs=_compile(services["before_drugs"]),
        rules=_compile(services["rules"]),
        prescription_like=re.compile(services["prescription_like"]),
        drugs={name.lower(): cls for name, cls in drugs["classes"].items()},
        compound_patterns=tuple(re.compile(p) for p in compound["patterns"]),
        compound_products=frozenset(compound["products"]),
        topical_forms=frozenset(compound["topical_forms"]),
        min_ingredients=compound["min_ingredients"],
        keep_class_when_topical=frozenset(drugs["keep_class_when_topical"]),
    )


def _first_match(rules: tuple[_Rule, ...], text: str) -> ServiceClass | None:
    for rule in rules:
        if rule.pattern.search(text):
            return rule.result
    return None


def _pharma(cls: str) -> ServiceClass:
    return ServiceClass(PHARMACEUTICALS, cls, cls)


def _drug_names(words: list[str], drugs: dict[str, str]) -> list[str]:
    """Known drug names in request order; a two-word name ("naproxen sodium") counts once."""
    names, i = [], 0
    while i < len(words):
        pair = " ".join(words[i : i + 2])
        if pair in drugs:
            names.append(pair)
            i += 2
            continue
        if words[i] in drugs:
            names.append(words[i])
        i += 1
    return names


def _classify_drug(text: str, r: _Rules) -> ServiceClass | None:
    """Pharmaceuticals when a known drug or compound kit is named, else None."""
    words = _WORD.findall(text)
    names = _drug_names(words, r.drugs)
    topical = any(w in r.topical_forms for w in words)
    percents = len(_PERCENT.findall(text))
    if any(w in r.compound_products for w in words):
        return _pharma(TOPICAL_COMPOUNDS)
    compound_word = any(p.search(text) for p in r.compound_patterns)
    if compound_word and (names or topical or percents):
        return _pharma(TOPICAL_COMPOUNDS)
    if not names:
        return None
    if topical and max(len(set(names)), percents) >= r.min_ingredients:
        return _pharma(TOPICAL_COMPOUNDS)
    classes = [r.drugs[name] for name in names]
    # A combination product with an opioid in it ("Tylenol with codeine") is an opioid.
    drug_class = OPIOIDS if OPIOIDS in classes else classes[0]
    if topical and drug_class not in r.keep_class_when_topical:
        return _pharma(TOPICAL_ANALGESICS)
    return _pharma(drug_class)


@lru_cache(maxsize=500_000)  # distinct strings; bounded for 3 M-row renormalisation
def classify_service(service: str) -> ServiceClass:
    """The DWC category of one disputed request; Unclassified when no rule matches."""
    text = " ".join(service.lower().split())
    r = _rules()
    found = _first_match(r.before_drugs, text) or _classify_drug(text, r)
    found = found or _first_match(r.rules, text)
    if found:
        return found
    if r.prescription_like.search(text):
        return ServiceClass(PHARMACEUTICALS, UNCLASSIFIED, UNCLASSIFIED)
    return ServiceClass(UNCLASSIFIED, UNCLASSIFIED, UNCLASSIFIED)  # not even known to be a drug
