"""The parsed shape of one IMR final determination letter.

Parsers return these plain values and nothing else; storage and normalisation read them.
`ParsedFile` / `FailedFile` are what a worker hands back per file, so the worker needs
nothing of the store.
Keeping the model free of I/O is what lets every parser be tested with strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ingest.errors import QuarantineReason

PARSER_VERSION = "1"  # bump when a parser change should re-parse already ingested files

OUTCOMES = ("Upheld", "Overturned")


@dataclass(frozen=True)
class Item:
    """One disputed treatment request and its decision, as written in the letter."""

    item_no: int  # 1-based, letter order
    service: str  # for partly authorised requests: the remaining IMR-eligible portion
    outcome: str  # "Upheld" | "Overturned"
    original_request: str | None = None  # only for partly authorised requests
    authorized_portion: str | None = None  # only for partly authorised requests
    ca_guideline: str = ""  # "Claims Administrator guideline:" line, as written
    imr_guideline: str = ""  # "MAXIMUS guideline:" line, as written
    rationale: str = ""

    @property
    def overturned(self) -> bool:
        return self.outcome == "Overturned"


@dataclass(frozen=True)
class Letter:
    """One letter = one case. Header fields are None when the copy lacks the header block."""

    layout: str
    items: tuple[Item, ...]
    case_number: str | None = None
    date_assigned: date | None = None
    date_of_injury: date | None = None
    decision_date: date | None = None
    ur_denial_date: date | None = None
    application_received: date | None = None
    priority: str | None = None  # "Standard" | "Expedited"
    reviewer_certifications: tuple[str, ...] = ()  # as written, first = primary
    reviewer_states: tuple[str, ...] = ()  # full state names
    patient_age: int | None = None
    patient_sex: str | None = None  # "male" | "female"
    clinical_summary: str = ""
    warnings: tuple[str, ...] = field(default=())  # soft parse notes, e.g. "no_header"

    @property
    def case_outcome(self) -> str:
        outcomes = {item.outcome for item in self.items}
        if outcomes == {"Upheld"}:
            return "Upheld"
        if outcomes == {"Overturned"}:
            return "Overturned"
        return "Partially Overturned"


@dataclass
class ParsedFile:
    """A file that parsed: its letter row and decision rows, ready to insert."""

    path: str
    sha256: str
    size_bytes: int
    mtime_ns: int
    letter: dict
    decisions: list[dict]


@dataclass
class FailedFile:
    """A file that goes to quarantine, with the stage it failed at and a short reason code."""

    path: str
    sha256: str | None
    stage: str
    reason: QuarantineReason
    detail: str = ""
    size_bytes: int | None = None
    mtime_ns: int | None = None
