"""A page's view as one self-contained HTML file an analyst can send: charts, numbers, intervals.

Pure (no Streamlit), so it is unit-testable. Charts are rendered to inline SVG by vl-convert's
bundled Vega engine, so the file needs no script, font or image from anywhere: a
Content-Security-Policy of `default-src 'none'` makes sure that it fetches nothing and runs
nothing when opened offline (or online). Every piece of text is HTML-escaped, because service
names, categories and filters come from letters and URLs.
"""

from __future__ import annotations

import html
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl

from queries.grouping import GROUPINGS
from ui import format as fmt

MAX_ROWS = 500  # rows of one table written out; the CSV downloads carry the rest
CHART_WIDTH = 640  # px for charts that stretch to the page in the app
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_SHARE_NAMES = {"rate", "ci_low", "ci_high", "change", "share"}
_LABELS: dict[str, str] = {
    **GROUPINGS,  # dimension columns by the names the sidebar gives them
    **tomllib.loads(Path(__file__).with_name("column_labels.toml").read_text("utf-8"))["labels"],
}
_TAG = re.compile(r"<\s*([A-Za-z][\w:.-]*)([^>]*)>")  # text's own `<` comes escaped
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_ACTIVE_TAGS = {"script", "foreignobject", "iframe", "object", "embed", "image", "use", "a"}
_ACTIVE_ATTR = re.compile(r"(^|\s)(on\w+|(xlink:)?href|src|style)\s*=", re.I)


@dataclass
class Section:
    """One block of the page: its heading, takeaway sentences, chart and table."""

    heading: str
    sentences: tuple[str, ...] = ()
    chart: alt.TopLevelMixin | None = None
    table: pl.DataFrame | None = None
    note: str = ""  # the method / caption under the chart


@dataclass
class Report:
    """What the page showed, as data: `html(report)` writes it out."""

    title: str
    filters: str  # Filters.describe()
    span: str  # the decision dates the data covers
    counts: Sequence[tuple[str, str]]  # headline figures, already formatted
    manifest: Mapping[str, Any]  # queries.export_manifest: filters, rows, database version
    # a callable is a section made only when the report is written (`later`)
    sections: list[Section | Callable[[], Section | None]] = field(default_factory=list)
    link: str = ""  # the query string that reproduces the view in the app
    demo: str = ""  # a warning when synthetic letters are in the numbers

    def add(
        self,
        heading: str,
        *sentences: str,
        chart: alt.TopLevelMixin | None = None,
        table: pl.DataFrame | None = None,
        note: str = "",
    ) -> Any:
        """Add a section; returns `chart`, so a page can draw what it adds in one line."""
        self.sections.append(Section(heading, tuple(s for s in sentences if s), chart, table, note))
        return chart

    def later(self, make: Callable[[], Section | None]) -> None:
        """A section the page did not draw (a closed tab) but the report carries: `make` runs
        only when the report is written, so an unopened tab costs nothing until then."""
        self.sections.append(make)

    def made(self) -> list[Section]:
        """Every section, the later ones made now, in the order the page added them."""
        done = (s if isinstance(s, Section) else s() for s in self.sections)
        return [s for s in done if s is not None]


def headline(s: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The figures of a `queries.summary` row every report opens with."""
    return [
        ("Letters (cases)", fmt.count(s.get("letters"), "letters")),
        ("Decisions (items)", fmt.count(s.get("decisions"), "decisions")),
        (
            "Overturn rate (decisions)",
            fmt.rate_with_ci(s.get("rate"), s.get("ci_low"), s.get("ci_high")),
        ),
        ("Overturned", fmt.rate_of(s.get("overturned") or 0, s.get("decisions") or 0)),
        ("Letters without a decision date", f"{s.get('undated_letters') or 0:,}"),
    ]


def demo_warning(s: Mapping[str, Any]) -> str:
    demo, letters = s.get("demo_letters") or 0, s.get("letters") or 0
    if not demo:
        return ""
    share = "all" if demo == letters else f"{demo:,} of {letters:,}"
    return (
        f"Demo data: synthetic letters ({share} letters are generated, "
        "not published IMR decisions)."
    )


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _sentence(text: str) -> str:
    """Escaped, with the takeaways' `**bold**` kept as <strong>."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", _e(text))


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG element drawn by vl-convert (no JavaScript, no network)."""
    import vl_convert as vlc  # imported late: the engine starts on first use (~2 s)

    spec = chart.to_dict()
    view = spec.setdefault("config", {}).setdefault("view", {})
    view["continuousWidth"] = CHART_WIDTH  # Altair's theme says 300; the app stretches charts
    out = vlc.vegalite_to_svg(spec)
    if not out.lstrip().startswith("<svg") or not plain_markup(out):
        raise ValueError("the chart renderer produced something other than a plain SVG")
    return out


def plain_markup(markup: str) -> bool:
    """No element or attribute that could run code or fetch anything (attribute values,
    where escaped letter text lives, are not looked into)."""
    for name, attrs in _TAG.findall(markup):
        bare = _QUOTED.sub('""', attrs)
        if name.lower() in _ACTIVE_TAGS or _ACTIVE_ATTR.search(bare):
            return False
    return True


def _is_share(name: str, schema: Mapping[str, pl.DataType]) -> bool:
    """Whether a column holds shares (0-1) by the query layer's naming: `rate`, `ci_low`,
    `share_over_30`, `adjusted_rate` and its `adjusted_low` / `adjusted_high`."""
    if not schema[name].is_float() or name.endswith("_points"):
        return False
    if name.endswith(("_low", "_high")):
        partner = name.rsplit("_", 1)[0] + "_rate"
        if partner in schema and _is_share(partner, schema):
            return True
    return (
        name in _SHARE_NAMES
        or name.startswith(("rate_", "share_", "ci_"))
        or name.endswith(("_rate", "_share"))
    )


def _number(value: float) -> str:
    """Three significant digits for small figures (p-values, ratios), two decimals below 100."""
    if abs(value) < 1:
        return f"{value:.3g}"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.1f}"


def _cell(value: object, share: bool) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value != value:  # NaN
        return "–"
    if share and isinstance(value, float):
        return fmt.pct(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _kind(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "num"
    return "date" if isinstance(value, date) else ""


def heading(column: str) -> str:
    """A table column's heading as the pages word it (column_labels.toml)."""
    return _LABELS.get(column, column.replace("_", " "))


def table_html(df: pl.DataFrame) -> str:
    """The frame as an HTML table: shares as `12.3 %`, counts with separators."""
    shares = [_is_share(c, df.schema) for c in df.columns]
    head = "".join(f"<th>{_e(heading(c))}</th>" for c in df.columns)
    rows = []
    for row in df.head(MAX_ROWS).iter_rows():
        cells = (
            f'<td class="{_kind(v)}">{_e(_cell(v, s))}</td>'
            for v, s in zip(row, shares, strict=True)
        )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    more = ""
    if df.height > MAX_ROWS:
        more = f'<p class="note">First {MAX_ROWS:,} of {df.height:,} rows; the CSV has all.</p>'
    return (
        f'<div class="table"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{more}"
    )


def _section(s: Section) -> str:
    parts = [f"<section><h2>{_e(s.heading)}</h2>"]
    parts += [f"<p>{_sentence(x)}</p>" for x in s.sentences]
    if s.chart is not None:
        parts.append(f'<figure class="chart">{svg(s.chart)}</figure>')
    if s.note:
        parts.append(f'<p class="note">{_sentence(s.note)}</p>')
    if s.table is not None and not s.table.is_empty():
        parts.append(table_html(s.table))
    parts.append("</section>")
    return "\n".join(parts)


def _manifest_value(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str, ensure_ascii=False) if value else "none"
    return "–" if value is None else str(value)


def _dl(pairs: Iterable[tuple[str, str]]) -> str:
    return "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in pairs)


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.25em 1em}dt{font-weight:600}
dd{margin:0}.demo{background:#fff3cd;border:1px solid #e0c46c;padding:.6em 1em}
.note{color:#555;font-size:.9em}figure.chart{margin:1em 0;overflow-x:auto}
table{border-collapse:collapse;font-size:.85em;margin:.8em 0}
th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left}
td.num{text-align:right;white-space:nowrap}td.date{white-space:nowrap}
figure.chart svg{max-width:100%;height:auto}div.table{overflow-x:auto}
summary{cursor:pointer;color:#555}
th{background:#f4f4f4}pre{background:#f7f7f7;padding:1em;overflow-x:auto;font-size:.8em}
"""


def html_report(r: Report, *, now: datetime | None = None) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    made = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    meta = [("Filters", r.filters), ("Decisions dated", r.span), *r.counts, ("Made", made)]
    if r.link:
        meta.append(("View in the app", "?" + r.link))
    manifest = json.dumps(r.manifest, indent=2, default=str, ensure_ascii=False)
    facts = [(k, _manifest_value(v)) for k, v in r.manifest.items()]
    demo = f'<p class="demo">{_e(r.demo)}</p>' if r.demo else ""
    body = "\n".join(_section(s) for s in r.made())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(r.title)} - IMR outcomes report</title><style>{_STYLE}</style></head>
<body><header><h1>{_e(r.title)}</h1>
<p class="note">IMR outcomes report: California workers' compensation Independent Medical
Review decisions. Rates count decisions (treatment requests); intervals are 95 %.</p>
{demo}<dl class="meta">{_dl(meta)}</dl></header>
{body}
<section><h2>Export manifest</h2>
<p class="note">What the decisions behind this view are: the same manifest the CSV and
Parquet downloads carry.</p><dl class="meta">{_dl(facts)}</dl>
<details><summary>The manifest as JSON</summary><pre>{_e(manifest)}</pre></details></section>
</body></html>
"""


def html_bytes(r: Report) -> bytes:
    return html_report(r).encode("utf-8")
