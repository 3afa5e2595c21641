"""The taxonomy files stay within DWC's categories and stay one-rule-per-line readable."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

TAXONOMY = Path(__file__).resolve().parents[1] / "ingest" / "taxonomy"

# DWC's service taxonomy as letter-formats.md lists it (subcategory-less categories repeat
# their own name, as services.toml documents).
DWC = {
    "Diagnostic Testing": {
        "Imaging/Radiology",
        "EMG/NCV/NCS",
        "Lab & Pathology",
        "Other Diagnostic Tests",
    },
    "DMEPOS": {"DME", "Electrical Stimulation", "Prosthetics/Orthotics", "Supplies"},
    "Evaluation & Management": {"Dental Services", "Medical Specialties"},
    "Home Health": {"Home Health"},
    "Injection": {"Facet Injection", "Injection"},
    "Programs": {"Programs"},
    "Psych Services": {"Evaluation & Management", "Therapies"},
    "Rehabilitation": {"Acupuncture", "Chiropractic", "Other Therapies", "PT/OT"},
    "Surgery": {
        "Adjunct Surgical Services",
        "Arthroscopic Surgery",
        "Non-arthroscopic Surgery",
        "Spine",
        "Surgical Consult",
    },
    "Transportation": {"Transportation"},
}


def _load(name: str) -> dict:
    return tomllib.loads((TAXONOMY / name).read_text())


def test_service_rules_use_only_dwc_categories() -> None:
    services = _load("services.toml")
    for rule in services["before_drugs"] + services["rules"]:
        re.compile(rule["match"])
        assert rule["subcategory"] in DWC[rule["category"]], rule


def test_every_rule_sits_on_one_line() -> None:
    for name in ("services.toml", "guidelines.toml"):
        for line in (TAXONOMY / name).read_text().splitlines():
            if "match =" in line:
                assert line.strip().startswith("{") and line.rstrip().endswith("},"), line


def test_every_drug_name_can_match() -> None:
    """The classifier looks names up as one or two whole words; any other shape never matches."""
    word = r"[a-z0-9]+(?:-[a-z0-9]+)*"
    shape = re.compile(rf"{word}( {word})?")
    drugs = _load("drugs.toml")
    for name in [*drugs["classes"], *drugs["compound"]["products"]]:
        assert shape.fullmatch(name), name


def test_specialty_aliases_point_at_canonical_names() -> None:
    table = _load("specialties.toml")
    assert set(table["aliases"].values()) <= set(table["canonical"])
