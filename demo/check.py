"""Accuracy harness: generate a corpus, ingest it through the real pipeline, and compare every
stored field with the manifest. Field-level accuracy by layout; quarantine reasons of the
broken files; intended vs normalised service categories.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from demo.compare import compare_letters, mismatches
from demo.corpus import letter_from_manifest, read_manifest, write_corpus
from demo.tables import service_for_text
from ingest.extract import DEFAULT_EXTRACTOR
from ingest.model import Item, Letter
from ingest.pipeline import ingest_paths

# Layouts the parser reads completely: the check demands 100 % on these.
FULLY_SUPPORTED = ("determination_2015", "maximus_2014", "notice_2013")
TAXONOMY = ("service_category", "service_subcategory", "drug_class")


@dataclass
class CheckReport:
    # (layout, field) -> [correct, total]
    fields: dict[tuple[str, str], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    files: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    failures: list[str] = field(default_factory=list)
    seconds_generate: float = 0.0
    seconds_ingest: float = 0.0

    def add(self, layout: str, name: str, ok: bool) -> None:
        cell = self.fields[(layout, name)]
        cell[0] += ok
        cell[1] += 1

    def add_file(self, expected: str, ok: bool, note: str) -> None:
        cell = self.files[expected]
        cell[0] += ok
        cell[1] += 1
        if not ok:
            self.failures.append(note)

    @property
    def passed(self) -> bool:
        fields_ok = all(
            c == n for (layout, _), (c, n) in self.fields.items() if layout in FULLY_SUPPORTED
        )
        return fields_ok and all(c == n for c, n in self.files.values())


def _stored_letters(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[Letter, bool, list[dict]]]:
    """file name -> (Letter rebuilt from the stored rows, is_demo, decision rows)."""
    letters = con.sql("select * from letters").pl().to_dicts()
    by_id: dict[str, list[dict]] = defaultdict(list)
    for row in (
        con.sql("select * from decisions order by letter_id, item_no").pl().iter_rows(named=True)
    ):
        by_id[row["letter_id"]].append(row)
    out = {}
    for r in letters:
        rows = by_id[r["letter_id"]]
        items = tuple(
            Item(
                item_no=d["item_no"],
                service=d["service"],
                outcome=d["outcome"],
                original_request=d["original_request"],
                authorized_portion=d["authorized_portion"],
                ca_guideline=d["ca_guideline"] or "",
                imr_guideline=d["imr_guideline"] or "",
                rationale=d["rationale"] or "",
            )
            for d in rows
        )
        letter = Letter(
            layout=r["layout"],
            items=items,
            case_number=r["case_number"],
            date_assigned=r["date_assigned"],
            date_of_injury=r["date_of_injury"],
            decision_date=r["decision_date"],
            ur_denial_date=r["ur_denial_date"],
            application_received=r["application_received"],
            priority=r["priority"],
            reviewer_certifications=tuple(r["reviewer_certifications"] or ()),
            reviewer_states=tuple(r["reviewer_states"] or ()),
            patient_age=r["patient_age"],
            patient_sex=r["patient_sex"],
            clinical_summary=r["clinical_summary"] or "",
        )
        out[Path(r["source_path"]).name] = (letter, r["is_demo"], rows)
    return out


def compare_corpus(folder: Path, db_path: Path) -> CheckReport:
    report = CheckReport()
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        stored = _stored_letters(con)
        quarantined = {
            Path(p).name: reason
            for p, reason in con.sql("select source_path, reason from quarantine").fetchall()
        }
        statuses = {
            Path(p).name: s
            for p, s in con.sql("select source_path, status from source_files").fetchall()
        }
        sql = "select source_sha256, count(*) from letters group by 1"
        stored_shas = dict(con.sql(sql).fetchall())
    finally:
        con.close()
    for row in read_manifest(folder):
        name = Path(row["file"]).name
        expected = row["expected"]
        if expected != "ingested":
            got = quarantined.get(name, statuses.get(name))
            if expected == "duplicate" and stored_shas.get(_sha256(folder / row["file"])) == 1:
                got = "duplicate"  # the same bytes are stored once, under the first name seen
            report.add_file(
                expected, got == expected, f"{row['file']}: expected {expected}, got {got}"
            )
            continue
        truth = letter_from_manifest(row)
        if name not in stored:
            report.add_file(
                "ingested", False, f"{name} ({truth.layout}): not stored, {quarantined.get(name)}"
            )
            for key in compare_letters(truth, truth):
                report.add(truth.layout, key, False)
            continue
        report.add_file("ingested", True, "")
        parsed, is_demo, rows = stored[name]
        for key, ok in compare_letters(truth, parsed).items():
            report.add(truth.layout, key, ok)
        report.add(truth.layout, "letter.is_demo", bool(is_demo))
        for column in TAXONOMY:
            ok = len(rows) == len(truth.items) and all(
                _intended(item, column) == d[column]
                for item, d in zip(truth.items, rows, strict=False)
            )
            report.add(truth.layout, f"item.{column}", ok)
        if len(report.failures) < 20:
            report.failures += [f"{name}: {m}" for m in mismatches(truth, parsed)]
    return report


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _intended(item: Item, column: str) -> str | None:
    service = service_for_text(item.service)
    if service is None:
        return None
    if column == "service_category":
        return service.category
    if column == "service_subcategory":
        return service.subcategory
    return service.drug_class or "Not applicable"


def run_check(
    letters: int = 300,
    seed: int = 7,
    *,
    workers: int = 2,
    extractor: str = DEFAULT_EXTRACTOR,
    folder: Path | None = None,
) -> CheckReport:
    """Generate `letters` letters (+ broken files), ingest them, compare with the manifest."""
    with tempfile.TemporaryDirectory(prefix="imr-demo-check-") as tmp:
        work = Path(folder) if folder else Path(tmp)
        corpus, db = work / "corpus", work / "check.duckdb"
        summary = write_corpus(corpus, letters=letters, seed=seed, workers=workers)
        run = ingest_paths([corpus], db, workers=workers, extractor=extractor)
        report = compare_corpus(corpus, db)
        report.seconds_generate, report.seconds_ingest = summary.seconds, run.seconds
        return report
