"""The demo's data files, loaded once into lookup shapes the fast generator can draw from.

Everything numeric lives in distributions.toml / services.toml / prose.toml; this module only
turns those tables into cumulative weights per year so that drawing a case costs microseconds.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path

HERE = Path(__file__).parent
OPIOIDS = "Opioids"


@dataclass(frozen=True)
class Service:
    text: str  # may hold "{n}"
    category: str
    subcategory: str
    drug_class: str  # "" outside Pharmaceuticals
    chapter: str
    section: str
    quantities: tuple[int, ...] = ()

    @property
    def kind(self) -> str:
        """The unit the year mix draws: a drug class in Pharmaceuticals, else the category."""
        return self.drug_class or self.category


@dataclass(frozen=True)
class YearMix:
    kinds: tuple[str, ...]
    cum_weights: tuple[float, ...]
    overturn: dict[str, float]  # kind -> probability an item is overturned


@dataclass(frozen=True)
class Tables:
    dist: dict
    prose: dict
    chapters: dict[str, dict[str, str]]
    services_by_kind: dict[str, tuple[Service, ...]]
    years: tuple[int, ...]
    year_cum: tuple[float, ...]
    mix: dict[int, YearMix]
    weighted: dict[str, tuple[tuple, tuple[float, ...]]]  # name -> (values, cumulative weights)


def _load(name: str) -> dict:
    return tomllib.loads((HERE / name).read_text(encoding="utf-8"))


def _cum(mapping: dict) -> tuple[tuple, tuple[float, ...]]:
    return tuple(mapping), tuple(accumulate(mapping.values()))


def _year_mix(dist: dict, year: int) -> YearMix:
    years, cats = dist["years"], dist["categories"]
    pharma, opioid = years["pharma_share"][str(year)], years["opioid_share"][str(year)]
    other = cats["weights"]
    other_total = sum(other.values())
    shares = {k: (1 - pharma) * w / other_total for k, w in other.items()}
    shares[OPIOIDS] = pharma * opioid
    drug_total = sum(cats["drug_classes"].values())
    for k, w in cats["drug_classes"].items():
        shares[k] = pharma * (1 - opioid) * w / drug_total
    base = {k: cats["overturn"].get(k, cats["overturn"]["Pharmaceuticals"]) for k in shares}
    if year == 2015:
        base["Antidepressant"] = cats["antidepressant_overturn_2015"]
    expected = sum(shares[k] * base[k] for k in shares)
    scale = (1 - years["upheld"][str(year)]) / expected
    kinds = tuple(shares)
    return YearMix(
        kinds=kinds,
        cum_weights=tuple(accumulate(shares[k] for k in kinds)),
        overturn={k: min(0.95, base[k] * scale) for k in kinds},
    )


@cache
def tables() -> Tables:
    dist, svc, prose = _load("distributions.toml"), _load("services.toml"), _load("prose.toml")
    by_kind: dict[str, list[Service]] = {}
    for row in svc["service"]:
        s = Service(
            text=row["text"],
            category=row["category"],
            subcategory=row["subcategory"],
            drug_class=row.get("drug_class", ""),
            chapter=row["chapter"],
            section=row["section"],
            quantities=tuple(row.get("n", ())),
        )
        by_kind.setdefault(s.kind, []).append(s)
    letters = dist["years"]["letters"]
    years = tuple(sorted(int(y) for y in letters))
    mix = {y: _year_mix(dist, y) for y in years}
    missing = {k for m in mix.values() for k in m.kinds} - set(by_kind)
    if missing:
        raise ValueError(f"services.toml has no service for {sorted(missing)}")
    reviewers = dist["reviewers"]
    weighted = {
        "specialty": _cum(reviewers["specialty_share"]),
        "state_count": _cum({int(k): v for k, v in reviewers["state_count"].items()}),
        "other_states": _cum(reviewers["other_states"]),
        **{f"layout:{y}": _cum(m) for y, m in dist["layouts"].items()},
    }
    return Tables(
        dist=dist,
        weighted=weighted,
        prose=prose,
        chapters=svc["chapters"],
        services_by_kind={k: tuple(v) for k, v in by_kind.items()},
        years=years,
        year_cum=tuple(accumulate(letters[str(y)] for y in years)),
        mix=mix,
    )


def all_services() -> list[Service]:
    return [s for group in tables().services_by_kind.values() for s in group]


@cache
def _service_patterns() -> list[tuple[re.Pattern[str], Service]]:
    out = []
    for s in all_services():
        pattern = re.escape(s.text).replace(re.escape("{n}"), r"\d+")
        out.append((re.compile(rf"^(?:1 )?{pattern}$"), s))
    return out


def service_for_text(text: str) -> Service | None:
    """The vocabulary entry a generated request was drawn from (to know its intended category)."""
    return next((s for pattern, s in _service_patterns() if pattern.match(text)), None)
