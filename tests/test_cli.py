"""The `imr` command as a user meets it: exit codes, summaries, `show`, `coverage`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from imr.cli import app
from tests import badfiles
from tests.paths import REAL_LETTERS

runner = CliRunner()


def imr(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_ingest_exit_codes_and_summary(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    for name in ("CM16-0213037.pdf", "CM17-0002106.pdf"):
        shutil.copy(REAL_LETTERS / name, folder / name)
    db = tmp_path / "imr.duckdb"

    first = imr("ingest", folder, "--db", db, "--quiet")
    assert first.exit_code == 0, first.output
    assert "letters added" in first.output and "│ 2 " in first.output

    second = imr("ingest", folder, "--db", db, "--quiet")
    assert second.exit_code == 0
    assert "skipped (already ingested)" in second.output

    badfiles.zero_byte(folder)
    third = imr("ingest", folder, "--db", db, "--quiet")
    assert third.exit_code == 1
    assert "empty_file" in third.output and "empty.pdf" in third.output
    assert "Traceback" not in third.output


def test_usage_errors_exit_2_with_a_message(tmp_path: Path) -> None:
    missing = imr("ingest", tmp_path / "nope", "--db", tmp_path / "x.duckdb")
    assert missing.exit_code == 2 and "no such file or folder" in missing.output
    extractor = imr("ingest", REAL_LETTERS, "--extractor", "ocr", "--db", tmp_path / "x.duckdb")
    assert extractor.exit_code == 2 and "unknown extractor" in extractor.output
    no_db = imr("show", "CM16-0213037", "--db", tmp_path / "x.duckdb")
    assert no_db.exit_code == 2 and "no database" in no_db.output
    assert not (tmp_path / "x.duckdb").exists()  # a usage error creates nothing


def test_show_prints_the_letter_as_json(real_db: Path) -> None:
    result = imr("show", "CM16-0230548", "--db", real_db, "--json")
    assert result.exit_code == 0, result.output
    letter = json.loads(result.output)
    # checked by hand against the PDF: Texas, Preventive + Occupational Medicine, 60, male
    assert letter["reviewer_states"] == ["Texas"]
    assert letter["reviewer_certifications"] == ["Preventive Medicine", "Occupational Medicine"]
    assert (letter["patient_age"], letter["patient_sex"]) == (60, "male")
    assert letter["decision_date"] == "2017-01-04"
    assert [i["outcome"] for i in letter["items"]] == ["Upheld", "Overturned"]
    assert letter["items"][0]["service"] == "MRI of neck and right hand without contrast"

    unknown = imr("show", "CM99-0000000", "--db", real_db)
    assert unknown.exit_code == 1 and "No letter" in unknown.output


def test_coverage_reports_every_field(real_db: Path) -> None:
    result = imr("coverage", "--db", real_db)
    assert result.exit_code == 0, result.output
    for field in ("service_category", "imr_guideline_source", "reviewer_specialty"):
        assert field in result.output


def test_renormalize_rewrites_categories_the_queries_see(real_db: Path, tmp_path: Path) -> None:
    import duckdb

    import queries
    from queries.derived import refresh_derived

    db = tmp_path / "imr.duckdb"
    shutil.copy(real_db, db)
    con = duckdb.connect(str(db))
    # an older taxonomy had filed every MRI under "Unclassified"; ingest built its derived tables
    con.execute(
        "update decisions set service_category = 'Unclassified' where service ilike '%MRI%'"
    )
    refresh_derived(con)
    con.close()

    result = imr("renormalize", "--db", db)
    assert result.exit_code == 0, result.output
    assert "service" in result.output

    con = queries.open_db(db)
    try:
        by_category = queries.overturn_rate_by(con, "service_category", queries.Filters())
    finally:
        con.close()
    assert "Unclassified" not in by_category["service_category"].to_list()
