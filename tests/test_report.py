"""The downloadable report (issue 14 item 9): one self-contained HTML file.

Numbers are recomputed from raw rows (polars + scipy's Wilson interval), hostile letter text
must come out escaped, and the file is opened in headless chromium with the network cut off:
its SVG charts and numbers must show and no request may leave the page.
"""

from __future__ import annotations

import re
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

import queries as q
from queries.filters import Filters
from tests import appdb
from tests.analysesdb import wilson
from tests.test_browser import ARGS, CHROMIUM, HAVE_CHROMIUM, ON_CI
from ui import charts, report
from ui import format as fmt

HOSTILE = '<script>alert("x")</script><img src=http://evil.example/x.png onerror=alert(1)>'
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    path = appdb.build(folder / "imr.duckdb", source_dir=folder / "src", index=False)
    with duckdb.connect(str(path)) as con:  # one hostile category name, as a letter could carry
        con.execute(
            "update decisions set service_category = ? where service_category = 'Rehabilitation'",
            [HOSTILE],
        )
    return path


@pytest.fixture(scope="module")
def built(db: Path) -> tuple[report.Report, str]:
    f = Filters()
    with closing(q.open_db(str(db))) as con:
        s = q.summary(con, f).row(0, named=True)
        trend = q.trend(con, "year", f, letters=False)
        bars = q.overturn_rate_by(con, "service_category", f, min_n=30, letters=False)
        manifest = q.export_manifest(con, f)
    r = report.Report(
        title="Overview <b>test</b>",
        filters=f.describe(),
        span=fmt.date_span(s["first_date"], s["last_date"]),
        counts=report.headline(s),
        manifest=manifest,
        link="cat=" + HOSTILE,
        demo=report.demo_warning(s),
    )
    rates, _ = charts.trend_chart(trend, grain="year")
    r.add("Overturn rate over time", "Rates moved.", chart=rates, table=trend)
    r.add(
        "By service category",
        f"Highest: {HOSTILE}",
        chart=charts.rate_bars(bars, "service_category"),
        table=bars,
        note="Whiskers: 95 % Wilson intervals.",
    )
    return r, report.html_report(r, now=datetime(2026, 1, 2, tzinfo=UTC))


def raw(db: Path) -> pl.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(
            "select d.service_category, d.overturned, l.decision_date from decisions d "
            "join letters l using (letter_id)"
        ).pl()


def test_headline_rate_and_interval_match_raw_rows(built, db: Path) -> None:
    _, page = built
    rows = raw(db)
    n, k = rows.height, int(rows["overturned"].sum())
    low, high = wilson(k, n)
    assert fmt.rate_with_ci(k / n, low, high) in page
    assert f"{n:,} decisions" in page
    assert f"{k:,} of {n:,} decisions overturned" in page
    first, last = rows["decision_date"].min(), rows["decision_date"].max()
    assert fmt.date_span(first, last) in page


def test_table_rows_carry_each_category_rate_and_interval(built, db: Path) -> None:
    _, page = built
    per = raw(db).group_by("service_category").agg(n=pl.len(), k=pl.col("overturned").sum())
    for cat, n, k in per.iter_rows():
        low, high = wilson(int(k), int(n))
        cells = [fmt.pct(k / n), fmt.pct(low), fmt.pct(high), f"{n:,}"]
        row = next(r for r in re.findall(r"<tr>.*?</tr>", page) if report._e(cat) in r)
        for cell in cells:
            assert f">{cell}</td>" in row, (cat, cell, row)


def test_hostile_text_is_escaped_everywhere(built) -> None:
    _, page = built
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert report.plain_markup(page.split("<body>", 1)[1])  # no tag runs or fetches anything
    assert not report.plain_markup('<p title="a"><img src=x onerror=alert(1)></p>')
    assert "&lt;script&gt;" in page  # the text is still there, as text
    assert "<title>Overview &lt;b&gt;test&lt;/b&gt;" in page


def test_self_contained_no_network_references(built, db: Path) -> None:
    _, page = built
    assert f'content="{report.CSP}"' in page
    head, body = page.split("<body>", 1)
    assert "src=" not in head and "href=" not in head and "<link" not in head
    assert report.plain_markup(body)  # no src/href/style attribute anywhere in the body
    assert "@import" not in page
    assert all(u.startswith("#") for u in re.findall(r"url\(([^)]*)\)", page))  # clip paths
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2  # namespaces, not fetches
    assert f"&quot;rows&quot;: {raw(db).height}," in page  # the manifest, escaped like all text
    assert "&quot;database_version&quot;" in page


def test_table_formats_and_truncates() -> None:
    df = pl.DataFrame(
        {
            "group": [f"g{i}" for i in range(report.MAX_ROWS + 3)],
            "decisions": [1234] * (report.MAX_ROWS + 3),
            "rate": [0.1234] * (report.MAX_ROWS + 3),
            "share_over_30": [0.5] * (report.MAX_ROWS + 3),
            "mean_days": [12.34] * (report.MAX_ROWS + 3),
            "clear": [True] * (report.MAX_ROWS + 3),
        }
    )
    out = report.table_html(df)
    assert out.count("<tr>") == report.MAX_ROWS + 1  # header + rows
    assert ">12.3 %</td>" in out and ">50.0 %</td>" in out and ">1,234</td>" in out
    assert ">12.34</td>" in out and ">yes</td>" in out
    assert f"First {report.MAX_ROWS:,} of {report.MAX_ROWS + 3:,} rows" in out


def test_share_columns_follow_the_query_layers_names() -> None:
    df = pl.DataFrame(
        {"adjusted_rate": [0.2], "adjusted_low": [0.1], "oe": [1.5], "oe_low": [0.9],
         "ci_low_points": [-3.2], "ci_low_clustered": [0.155], "p_value": [0.0123]}
    )  # fmt: skip
    out = report.table_html(df)
    for cell in ("20.0 %", "10.0 %", "1.50", "0.9", "-3.20", "15.5 %", "0.0123"):
        assert f">{cell}</td>" in out, (cell, out)


def test_every_analyses_column_gets_a_readable_heading(tmp_path: Path) -> None:
    """No raw column name (`lo95`, `se_cluster`) reaches a report's table heading."""
    from tests.analysesdb import build_analyses_db

    db = build_analyses_db(tmp_path / "imr.duckdb")
    f = Filters()
    with closing(q.open_db(db)) as con:
        frames = [
            q.timeliness(con, f, grain="year"), q.timeliness(con, f, by="service_category"),
            q.mix(con, f, "year"), q.opioid_share(con, f, "year"),
            q.group_trend(con, f, "service_category", "year"),
            q.trend_changes(q.group_trend(con, f, "service_category", "year")),
            q.agreement_table(con, f), q.agreement_rates(con, f),
            q.standardised(con, f, "reviewer_specialty"), q.case_outcomes(con, f, "year"),
            q.items_per_letter(con, f, "year"), q.partly_vs_denied(con, f),
            q.clustered_rate_by(con, f), q.overturn_rate_by(con, "service_category", f),
            q.trend(con, "year", f),
        ]  # fmt: skip
    raw = sorted(
        {c for df in frames for c in df.columns if report.heading(c) == c.replace("_", " ")}
    )
    assert raw == []
    out = report.table_html(frames[8])
    for heading in ("O/E", "99.8 % funnel low", "Expected overturns", "Group"):
        assert f"<th>{heading}</th>" in out
    assert "<th>Service category</th>" in report.table_html(frames[13])
    assert "<th>lo95</th>" not in out and "se cluster" not in report.table_html(frames[-4])


def test_svg_refuses_script_in_renderer_output(monkeypatch: pytest.MonkeyPatch) -> None:
    import vl_convert

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", lambda spec: "<svg><script>x</script>")
    chart = charts.rate_bars(
        pl.DataFrame({"g": ["a"], "rate": [0.1], "ci_low": [0.0], "ci_high": [0.2],
                      "decisions": [10], "overturned": [1], "small": [False]}), "g",
    )  # fmt: skip
    with pytest.raises(ValueError, match="plain SVG"):
        report.svg(chart)


@pytest.mark.browser
@pytest.mark.skipif(not HAVE_CHROMIUM and not ON_CI, reason="no chromium")
def test_report_opens_offline_in_chromium(built, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    r, page_html = built
    path = tmp_path / "report.html"
    path.write_text(page_html, "utf-8")
    asked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(offline=True, viewport={"width": 1100, "height": 900})
        context.on("request", lambda req: asked.append(req.url))

        def block(route) -> None:
            if not route.request.url.startswith("file://"):
                route.abort()
            else:
                route.continue_()

        context.route("**/*", block)
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        charts_drawn = page.locator("figure.chart svg.marks")
        assert charts_drawn.count() == 2
        for i in range(2):
            box = charts_drawn.nth(i).bounding_box()
            assert box and box["width"] > 300 and box["height"] > 100
        assert page.locator("figure.chart svg.marks path, figure.chart svg.marks rect").count() > 10
        rate = dict(r.counts)["Overturn rate (decisions)"]
        assert page.get_by_text(rate, exact=True).is_visible()
        assert page.get_by_text("Export manifest").is_visible()
        assert page.evaluate("() => window.__xss === undefined && !document.querySelector('img')")
        browser.close()
    assert asked == [path.as_uri()], asked  # the file itself and nothing else


def test_report_module_is_pure() -> None:
    import ast

    tree = ast.parse(Path(report.__file__).read_text("utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {m for m in names if m.split(".")[0] == "streamlit"}
    assert "vl_convert" in names  # the renderer is a runtime dependency, imported here
