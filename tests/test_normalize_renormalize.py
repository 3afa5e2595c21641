"""`renormalize` rewrites every category column from the stored raw text, in one transaction,
and counts what changed."""

from __future__ import annotations

import pytest

from ingest import normalize
from ingest.normalize import renormalize
from tests.normalize_db import add_decision, add_letter, empty_db

MRI = "MRI of the lumbar spine"
NORCO = "Norco 10/325mg #60"
LOW_BACK = "Decision based on MTUS Low Back Complaints 2004, Section(s): Special Studies."
NONE = "The Expert Reviewer did not cite any medical evidence for its decision."


@pytest.fixture
def con():
    con = empty_db()
    add_letter(con, "A", ["Chiropractor"], "Stale")
    add_letter(con, "B", ["Family Practice", "Sports Medicine"], "Family Practice")  # already right
    add_decision(con, "A", 1, MRI, LOW_BACK, NONE)
    add_decision(con, "A", 2, NORCO, None, LOW_BACK)  # a NULL citation reads as "None cited"
    add_decision(
        con,
        "B",
        1,
        MRI,
        LOW_BACK,
        NONE,
        categories=("Diagnostic Testing", "Imaging/Radiology", "Not applicable"),
        sources=("MTUS", "None cited", "Low Back", None),
    )
    return con


def test_rewrites_stale_columns_from_raw_text(con) -> None:
    changed = renormalize(con)
    rows = con.sql(
        "select letter_id, item_no, service_category, service_subcategory, drug_class, "
        "ca_guideline_source, ca_mtus_chapter, imr_guideline_source, imr_mtus_chapter "
        "from decisions order by all"
    ).fetchall()
    assert rows == [
        (
            "A",
            1,
            "Diagnostic Testing",
            "Imaging/Radiology",
            "Not applicable",
            "MTUS",
            "Low Back",
            "None cited",
            None,
        ),
        ("A", 2, "Pharmaceuticals", "Opioids", "Opioids", "None cited", None, "MTUS", "Low Back"),
        (
            "B",
            1,
            "Diagnostic Testing",
            "Imaging/Radiology",
            "Not applicable",
            "MTUS",
            "Low Back",
            "None cited",
            None,
        ),
    ]
    specialties = con.sql("select letter_id, reviewer_specialty from letters order by 1").fetchall()
    assert specialties == [("A", "Chiropractic"), ("B", "Family Practice")]
    # Rows B-1 and letter B were already right: only the stale ones count as changed.
    assert changed == {"service": 2, "ca_guideline": 2, "imr_guideline": 2, "reviewer_specialty": 1}


def test_a_second_run_changes_nothing(con) -> None:
    renormalize(con)
    assert renormalize(con) == {
        "service": 0,
        "ca_guideline": 0,
        "imr_guideline": 0,
        "reviewer_specialty": 0,
    }


def test_a_failure_midway_leaves_the_database_untouched(con, monkeypatch) -> None:
    real_update = normalize._update

    def failing_update(con, view, frame, sql, **fragments):
        if sql == "renormalize_specialties":
            raise RuntimeError("boom")
        return real_update(con, view, frame, sql, **fragments)

    monkeypatch.setattr(normalize, "_update", failing_update)
    with pytest.raises(RuntimeError):
        renormalize(con)
    stale = con.sql("select count(*) from decisions where service_category = 'Stale'").fetchall()
    assert stale == [(2,)]  # the service update ran, then was rolled back


def test_a_taxonomy_edit_takes_effect_without_reparsing(con, monkeypatch, tmp_path) -> None:
    """Copy the taxonomy, teach it a new drug name, and renormalise from stored text."""
    import shutil

    from ingest import classify_service as service_module

    taxonomy = tmp_path / "taxonomy"
    shutil.copytree(service_module.TAXONOMY, taxonomy)
    add_decision(con, "B", 2, "Zorvolex 35mg #90")
    renormalize(con)
    before = con.sql(
        "select drug_class from decisions where letter_id = 'B' and item_no = 2"
    ).fetchall()
    assert before == [("Unclassified",)]

    drugs = taxonomy / "drugs.toml"
    drugs.write_text(drugs.read_text() + 'zorvolex = "NSAID"\n')
    try:
        with monkeypatch.context() as patch:
            patch.setattr(service_module, "TAXONOMY", taxonomy)
            changed = renormalize(con)
    finally:
        normalize.clear_caches()  # later tests must see the real taxonomy again
    after = con.sql(
        "select drug_class from decisions where letter_id = 'B' and item_no = 2"
    ).fetchall()
    assert after == [("NSAID",)]
    assert changed["service"] == 1
