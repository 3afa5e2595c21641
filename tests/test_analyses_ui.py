"""The analyses' charts build valid Vega-Lite from the query frames, and their takeaways say
what the frames hold (n, intervals, BH verdicts), on hand-made frames and on a database."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

import queries as q
from tests.analysesdb import build_analyses_db
from ui import charts_analyses as ca
from ui import takeaways_analyses as t


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = q.open_db(build_analyses_db(tmp_path_factory.mktemp("ui") / "imr.duckdb"))
    yield con
    con.close()


def test_every_chart_builds_from_its_query(con):
    f = q.Filters()
    groups = q.standardised(con, f, "reviewer_specialty")
    built = [
        ca.timeliness_lines(q.timeliness(con, f, grain="quarter"), "assigned_to_decision"),
        ca.share_line(q.opioid_share(con, f, "quarter"), title="Opioid share",
                      k="opioid_decisions", n="pharma_decisions"),
        ca.mix_area(q.mix(con, f, "quarter", "service_subcategory"), top=4),
        ca.group_small_multiples(q.group_trend(con, f, "service_category", "quarter", k=3)),
        ca.agreement_heatmap(q.agreement_table(con, f)),
        ca.funnel(groups, "Reviewer specialty"),
        ca.clustered_rate_bars(q.agreement_rates(con, f), "guideline_agreement"),
        ca.raw_vs_adjusted(groups, "Reviewer specialty"),
        ca.case_outcome_bars(q.case_outcomes(con, f, "quarter")),
        ca.items_per_letter_line(q.items_per_letter(con, f, "quarter")),
    ]  # fmt: skip
    for chart in built:
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_time_charts_mark_the_policy_breakpoints_inside_their_span():
    df = pl.DataFrame({
        "period": [date(2017, 10, 1), date(2018, 1, 1), date(2018, 4, 1)],
        "share": [0.3, 0.25, 0.2], "ci_low": [0.2] * 3, "ci_high": [0.4] * 3,
        "k": [3, 2, 2], "n": [10] * 3, "partial": [False] * 3,
    })  # fmt: skip
    spec = ca.share_line(df, title="x", k="k", n="n").to_dict()
    datasets = [v for v in spec["datasets"].values() if v and "label" in v[0]]
    assert [d["label"] for d in datasets[0]] == [
        "MTUS Chronic Pain & Opioid update",
        "MTUS Drug Formulary",
    ]  # fmt: skip (COVID-19, 2020, lies outside the span)


def test_mix_area_pools_beyond_top_into_other():
    df = pl.DataFrame({
        "period": [date(2016, 1, 1)] * 4, "value": ["a", "b", "c", "d"],
        "decisions": [5, 3, 1, 1], "period_decisions": [10] * 4,
        "share": [0.5, 0.3, 0.1, 0.1], "partial": [False] * 4,
    })  # fmt: skip
    spec = ca.mix_area(df, top=2).to_dict()
    rows = next(v for v in spec["datasets"].values() if v and "value" in v[0])
    assert {r["value"]: r["share"] for r in rows} == pytest.approx({"a": 0.5, "b": 0.3,
                                                                   "Other": 0.2})  # fmt: skip


def changes(beyond: list[bool]) -> pl.DataFrame:
    n = len(beyond)
    return pl.DataFrame({
        "group": [f"g{i}" for i in range(n)], "first_period": [date(2016, 1, 1)] * n,
        "last_period": [date(2016, 10, 1)] * n, "first_rate": [0.1] * n,
        "last_rate": [0.2 if b else 0.11 for b in beyond], "first_n": [100] * n,
        "last_n": [100] * n, "change": [0.1 if b else 0.01 for b in beyond],
        "ci_low": [0.02] * n, "ci_high": [0.2] * n, "p_value": [0.001] * n,
        "q_value": [0.01 if b else 0.5 for b in beyond], "beyond_noise": beyond,
    })  # fmt: skip


def test_group_changes_names_only_bh_discoveries():
    text = t.group_changes(changes([True, False, False]), "quarter")
    assert text.startswith("Beyond noise from 2016 Q1 to 2016 Q4: g0 +10.0 pp")
    assert "g1" not in text and "Benjamini-Hochberg across 3 groups" in text
    none = t.group_changes(changes([False, False]), "quarter")
    assert none.startswith("No group's change") and "across 2 groups" in none
    one = t.group_changes(changes([False]), "quarter")
    assert "across 1 group," in one, one  # a filter to one category leaves one group


def test_timeliness_takeaway_counts_what_it_leaves_out(con):
    overall = q.timeliness(con, q.Filters())
    r = overall.filter(pl.col("measure") == "ur_denial_to_application").row(0, named=True)
    text = t.timeliness(overall, "ur_denial_to_application")
    assert f"{r['missing_dates']} letters without the dates" in text
    assert f"{r['negative']} letters with a negative span" in text
    assert f"of {r['measured']:,} letters took more than 30 days" in text


def test_standardised_and_design_effect_takeaways(con):
    groups = q.standardised(con, q.Filters(), "reviewer_specialty")
    text = t.standardised(groups, "Reviewer specialty")
    flagged = groups.filter(pl.col("beyond_noise"))["grp"].to_list()
    assert all(g in text for g in flagged)
    assert f"{groups.filter(~pl.col('small')).height} groups compared" in text
    row = q.clustered_rate_by(con, q.Filters()).row(0, named=True)
    text = t.design_effect(row)
    assert text.startswith(f"Design effect {row['deff']:.2f}")
    assert f"{(row['deff']) ** 0.5:.2f} times as wide" in text


def test_time_charts_tick_on_their_grain(con):
    """Two yearly points must not get Vega's monthly ticks (`February`, `March` ...): each time
    chart's x axis, given the page's grain, ticks on that grain's boundaries with the year."""
    f = q.Filters()
    built = {
        "timeliness": lambda g: ca.timeliness_lines(
            q.timeliness(con, f, grain=g), "assigned_to_decision", grain=g
        ),
        "share": lambda g: ca.share_line(
            q.opioid_share(con, f, g), title="x", k="opioid_decisions", n="pharma_decisions",
            grain=g,
        ),
        "mix": lambda g: ca.mix_area(q.mix(con, f, g, "service_category"), grain=g),
        "groups": lambda g: ca.group_small_multiples(
            q.group_trend(con, f, "service_category", g, k=3), grain=g
        ),
        "outcomes": lambda g: ca.case_outcome_bars(q.case_outcomes(con, f, g), grain=g),
        "items": lambda g: ca.items_per_letter_line(q.items_per_letter(con, f, g), grain=g),
    }  # fmt: skip

    def period_axes(spec: object) -> list[dict]:
        if isinstance(spec, dict):
            x = spec.get("x")
            found = (
                [x.get("axis", {})] if isinstance(x, dict) and x.get("field") == "period" else []
            )
            return found + [a for v in spec.values() for a in period_axes(v)]
        return [a for v in spec for a in period_axes(v)] if isinstance(spec, list) else []

    for name, chart in built.items():
        year_axes = period_axes(chart("year").to_dict())
        assert year_axes, name
        for axis in year_axes:
            assert axis.get("format") == "%Y", (name, axis)
            assert axis.get("tickCount") == {"interval": "year", "step": 1}, (name, axis)
        for axis in period_axes(chart("quarter").to_dict()):
            assert "year(datum.value)" in (axis.get("labelExpr") or axis.get("format", "%Y"))
