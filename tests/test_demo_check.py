"""The accuracy harness end to end: generate ~200 letters, ingest them through the real
pipeline, and every field matches the manifest on the layouts the parser fully supports."""

from __future__ import annotations

from demo.check import FULLY_SUPPORTED, run_check
from imr.demo_run import demo_command


def test_generated_corpus_ingests_with_every_field_right(tmp_path):
    report = run_check(200, seed=11, workers=2, folder=tmp_path)
    assert report.failures == []
    assert report.passed
    assert {layout for layout, _ in report.fields} <= set(FULLY_SUPPORTED)
    # every broken file met its expected fate, and each was seen once
    broken = {k: v for k, v in report.files.items() if k not in ("ingested", "layout_unsupported")}
    assert broken == {
        reason: [1, 1]
        for reason in (
            "corrupt_pdf",
            "duplicate",
            "empty_file",
            "encrypted_no_password",
            "no_items",
            "no_text_layer",
            "not_a_pdf",
            "unknown_format",
        )
    }
    assert report.fields[("determination_2015", "item.rationale")][1] > 150


def test_check_reports_a_wrong_field_as_a_failure(tmp_path, monkeypatch):
    """The harness is not a rubber stamp: a parser that drops the priority fails the check."""
    import ingest.worker
    from ingest import layouts

    real_parse = layouts.parse_letter

    def parse_without_priority(text):
        from dataclasses import replace

        return replace(real_parse(text), priority=None)

    monkeypatch.setattr(ingest.worker, "parse_letter", parse_without_priority, raising=False)
    report = run_check(30, seed=12, workers=1, folder=tmp_path)
    assert not report.passed
    correct, total = report.fields[("determination_2015", "letter.priority")]
    assert correct == 0 and total > 20


def test_demo_command_writes_the_default_layout_of_a_corpus(tmp_path):
    out = tmp_path / "demo"
    assert demo_command(letters=40, seed=3, out=out, workers=1) == 0
    assert (out / "DEMO_CORPUS").exists() and (out / "manifest.jsonl").exists()
    names = [p.name for p in out.iterdir()]
    assert sum(n.endswith(".pdf") for n in names) + sum(n.endswith(".txt") for n in names) == 40
    assert len(list((out / "broken").iterdir())) == 8
