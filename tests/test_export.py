"""Export writes exactly the filtered decisions with letter fields; the CLI wraps it cleanly."""

from __future__ import annotations

import json

import polars as pl
import pytest
from typer.testing import CliRunner

import queries as q
from imr.cli import app
from tests.querydb import build_query_db, expected_items, keys


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_query_db(tmp_path_factory.mktemp("x") / "imr.duckdb")


@pytest.fixture(scope="module")
def raw(db):
    return expected_items(db)


F = q.Filters(service_category="Surgery", patient_sex="female")


def test_csv_export_has_the_filtered_rows_and_a_manifest(db, raw, tmp_path):
    out = tmp_path / "surgery.csv"
    with q.open_db(db) as con:
        manifest = q.export(con, F, out)
    want = raw.filter(pl.col("service_category") == "Surgery", pl.col("patient_sex") == "female")
    got = pl.read_csv(out, infer_schema=False)
    assert keys(got.with_columns(pl.col("item_no").cast(pl.Int32))) == keys(want)
    assert "raw_text" not in got.columns and "rationale" in got.columns
    assert "reviewer_states" in got.columns and "clinical_summary" in got.columns
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")
    on_disk = json.loads((tmp_path / "surgery.csv.manifest.json").read_text())
    assert on_disk == manifest
    assert manifest["rows"] == want.height
    assert manifest["filters"] == {"cat": "Surgery", "sex": "female"}
    assert manifest["description"] == "Service category = Surgery; Patient sex = female"
    assert manifest["database_version"] == q.db_version(db)


@pytest.mark.parametrize("f", [F, q.Filters(), q.Filters(text="opioid", age_band="50-59")])
def test_the_apps_manifest_matches_the_exported_file_without_building_it(db, raw, f):
    with q.open_db(db) as con:
        cheap = q.export_manifest(con, f)
        _, real = q.export_bytes(con, f)
    volatile = {"exported_at"}
    assert {k: v for k, v in cheap.items() if k not in volatile} == {
        k: v for k, v in real.items() if k not in volatile
    }
    assert cheap["rows"] > 0


def test_list_columns_and_quotes_survive_csv(db, raw):
    with q.open_db(db) as con:
        data, _ = q.export_bytes(con, q.Filters(reviewer_state="Texas"), bom=True)
    assert data.startswith(b"\xef\xbb\xbf")
    got = pl.read_csv(data[3:], infer_schema=False)
    assert all("Texas" in s.split("; ") for s in got["reviewer_states"])
    services = set(raw.filter(pl.col("reviewer_states").list.contains("Texas"))["service"])
    assert set(got["service"]) == services  # includes O'Brien "test"; drop ... and patient's


def test_parquet_and_unknown_format(db, tmp_path):
    with q.open_db(db) as con:
        manifest = q.export(con, q.Filters(), tmp_path / "all.parquet", "parquet")
        assert pl.read_parquet(tmp_path / "all.parquet").height == manifest["rows"] == 630
        with pytest.raises(q.FilterError, match="format"):
            q.export_bytes(con, q.Filters(), "xlsx")


@pytest.fixture
def cli():
    return lambda *args: CliRunner().invoke(app, list(args))


def test_cli_stats_prints_the_breakdown(cli, db):
    result = cli("stats", "--by", "service_category", "--db", str(db), "--where", "demo=0")
    assert result.exit_code == 0, result.output
    assert "Surgery" in result.output and "Demo letter = no" in result.output


@pytest.mark.parametrize(
    "args", [("--where", "cat=Dentistry"), ("--where", "nope=1"), ("--where", "cat")]
)
def test_cli_filter_errors_are_one_clean_message(cli, db, args):
    result = cli("stats", "--by", "service_category", "--db", str(db), *args)
    assert result.exit_code == 2
    assert result.output.startswith("Error:") and "Traceback" not in result.output


def test_cli_export_repeated_where_keys_are_a_list(cli, db, raw, tmp_path):
    out = tmp_path / "two.csv"
    result = cli("export", "--db", str(db), "--out", str(out),
                 "--where", "cat=Surgery", "--where", "cat=Pharmaceuticals")  # fmt: skip
    assert result.exit_code == 0, result.output
    want = raw.filter(pl.col("service_category").is_in(["Surgery", "Pharmaceuticals"])).height
    assert pl.read_csv(out).height == want
