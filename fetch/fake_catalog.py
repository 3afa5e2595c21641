"""What the fake DWC search lists: the 40 real letters, coded in DWC's wording.

Row values come from the hand-checked tests/expected/*.toml (never from our parser), then
fake_disagreements.toml changes a few on purpose. The fake's own wording table below is
written independently of the agreement mapping (queries/dwc_vocabulary.toml), so a test over
the fake checks that mapping rather than mirroring it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
EXPECTED_DIR = PROJECT / "tests" / "expected"
DISAGREEMENTS = Path(__file__).with_name("fake_disagreements.toml")

# Our vocabulary -> how the fake's result table prints it.
DWC_SUBCATEGORY = {
    "PT/OT": "Physical Therapy/Occupational Therapy (PT/OT)",
    "Benzodiazepine": "Benzodiazepines",
}
DWC_CASE_OUTCOME = {
    "Upheld": "Uphold",
    "Overturned": "Overturn",
    "Partially Overturned": "Partial Overturn",
}


@dataclass(frozen=True)
class FakeTreatment:
    category: str
    subcategory: str  # DWC's "SubCategory/Drug" column: the drug class for pharmaceuticals
    decision: str  # Upheld / Overturned (our words; printed as is)


@dataclass(frozen=True)
class FakeCase:
    case_number: str
    decision_date: date
    date_of_injury: date | None
    received_date: date | None
    specialty: str
    treatments: tuple[FakeTreatment, ...]
    pdf: Path
    relative_href: bool = False  # a few links are page-relative rather than site-absolute

    @property
    def case_outcome(self) -> str:
        """DWC's wording for the outcome its own items imply."""
        decisions = {t.decision for t in self.treatments}
        ours = decisions.pop() if len(decisions) == 1 else "Partially Overturned"
        return DWC_CASE_OUTCOME[ours]

    @property
    def href(self) -> str:
        name = f"{self.case_number}.pdf"
        if self.relative_href:
            return f"IMR-Decisions/{self.decision_date:%Y}/{name}"
        return f"/dwc/imr/IMR-Decisions/{self.decision_date:%Y}/{name}"


def real_letter_cases(
    letters_dir: Path,
    expected_dir: Path = EXPECTED_DIR,
    disagreements: Path | None = DISAGREEMENTS,
) -> list[FakeCase]:
    """One case per real letter PDF found in `letters_dir` that the expected files describe."""
    letters = _toml(expected_dir / "real_letters.toml")["letters"]
    categories = _toml(expected_dir / "real_categories.toml")
    coded: dict[tuple[str, int], dict] = {(i["case"], i["item"]): i for i in categories["item"]}
    cases = []
    for n, pdf in enumerate(sorted(letters_dir.glob("*.pdf"))):
        letter = letters.get(pdf.stem)
        if letter is None:
            continue
        treatments = tuple(
            _treatment(coded[(pdf.stem, k)], item["outcome"])
            for k, item in enumerate(letter["items"], start=1)
        )
        cases.append(
            FakeCase(
                case_number=pdf.stem,
                decision_date=_date(letter["decision_date"]),
                date_of_injury=_date(letter.get("date_of_injury")),
                received_date=_date(letter.get("application_received")),
                specialty=categories["specialty"][pdf.stem],
                treatments=treatments,
                pdf=pdf,
                relative_href=n % 7 == 3,
            )
        )
    if disagreements is not None:
        cases = apply_changes(cases, _toml(disagreements).get("change", []))
    return sorted(cases, key=lambda c: (c.decision_date, c.case_number))


def apply_changes(cases: list[FakeCase], changes: list[dict]) -> list[FakeCase]:
    by_number = {c.case_number: c for c in cases}
    for change in changes:
        case = by_number.get(change["case"])
        if case is None:
            continue
        if "item" in change:
            items = list(case.treatments)
            k = change["item"] - 1
            old = items[k]
            category = change.get("category", old.category)
            subcategory = DWC_SUBCATEGORY.get(change.get("subcategory", ""))
            items[k] = FakeTreatment(
                category,
                subcategory or change.get("subcategory", old.subcategory),
                change.get("decision", old.decision),
            )
            case = replace(case, treatments=tuple(items))
        if "decision_date" in change:
            case = replace(case, decision_date=_date(change["decision_date"]))
        if "specialty" in change:
            case = replace(case, specialty=change["specialty"])
        by_number[case.case_number] = case
    return list(by_number.values())


def _treatment(coded: dict, outcome: str) -> FakeTreatment:
    shown = coded["drug_class"] if coded["category"] == "Pharmaceuticals" else coded["subcategory"]
    return FakeTreatment(coded["category"], DWC_SUBCATEGORY.get(shown, shown), outcome)


def _date(value: str | None) -> date | None:
    return datetime.strptime(value, "%m/%d/%Y").date() if value else None


def _toml(path: Path) -> dict:
    return tomllib.loads(path.read_text("utf-8"))
