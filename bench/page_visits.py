"""Page visits in a real browser: full page loads and in-app navigation, cold and warm.

Issue 13's "page first visit in a real browser (server warm) <= 1 s". Each app variant (a
folder holding an app.py: this checkout, an older commit's worktree, a one-line Streamlit
page) is served by its own `streamlit run`, and the variants are measured alternately, round by
round, in the same run, so a busy machine slows them alike. Per round and variant:

- a fresh server; one full load of the first page (the server's first run: Python imports);
- in-app navigation, cold: the sidebar link of every page in turn (each page's first visit
  after the server start: its queries run), then warm: the same clicks again;
- full loads (`page.goto` in a fresh browser context: no HTTP cache), then warm ones (same
  context: the browser's HTTP and V8 code caches are warm). Each server's query cache is
  warm by then for the pages' default filters, as it is for an analyst's second visit.

"Drawn" = the last DOM change or websocket message before the page went quiet (600 ms with
no change, Streamlit's running indicator gone, the page's content selector present), read
from the page's own clock, so the quiet wait itself is not counted. A full load is also
broken down on the page's timeline (navigation start = 0): HTML, the last script
downloaded, DOMContentLoaded, websocket created / open / first / last message, first
content, first Vega chart container and its marks (canvas or SVG); plus the renderer's
main-thread CPU (Chrome's Performance.getMetrics: script, layout + style) and the server's
CPU seconds; and the page's DOM elements once drawn (what the browser styles and lays out,
and a figure the machine's load does not move).

    .venv/bin/python bench/page_visits.py [--db data/imr.duckdb] [--rounds 3]
        [--app old=/work/wt-old[,DB]] [--minimal] [--label "..."]

`IMR_BENCH_PORTS=8601-8609` serves on the first free ports of that range (bench/streamlit_server).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import streamlit_server
from results import append_section, machine, markdown, show

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("IMR_CHROMIUM") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
RUNNING = '[data-testid="stStatusWidget"]'
CHART = '[data-testid="stVegaLiteChart"]'
MARKS = f"{CHART} .marks"
# url path -> (sidebar link text, selector that shows the page's content is drawn)
PAGES = {
    "": ("Overview", MARKS),
    "breakdown": ("Breakdown", MARKS),
    "compare": ("Compare", '[data-testid="stMetric"]'),
    "cases": ("Cases", '[data-testid="stDataFrame"]'),
    "data": ("Data", '[data-testid="stMarkdown"]'),
}
MINIMAL_APP = 'import streamlit as st\n\nst.write("hello")\n'
QUIET_MS = 600

# Installed before any page script: timestamps of websocket traffic and of DOM changes,
# and the first time each watched selector matched, all on performance.now()'s clock.
INIT_JS = """
(() => {
  const m = (window.__imr = {ws: null, wsOpen: null, msg0: null, msgN: null, msgs: 0,
                             mut: 0, first: {}});
  const Native = window.WebSocket;
  window.WebSocket = function (...a) {
    const ws = new Native(...a);
    if (m.ws === null) m.ws = performance.now();
    ws.addEventListener('open', () => { if (m.wsOpen === null) m.wsOpen = performance.now(); });
    ws.addEventListener('message', () => {
      const t = performance.now(); if (m.msg0 === null) m.msg0 = t; m.msgN = t; m.msgs++; });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  const watch = __WATCH__;
  const look = () => {
    const t = performance.now(); m.mut = t;
    for (const s of watch) if (!(s in m.first) && document.querySelector(s)) m.first[s] = t;
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true,
                                                attributes: true, characterData: true});
})();
"""
WATCH = ['[data-testid="stSidebarNav"]', "h1", CHART, MARKS, *{s for _, s in PAGES.values()}]
STATE_JS = (
    """() => { const m = window.__imr; return {mut: m.mut, msgN: m.msgN,
  running: !!document.querySelector('__RUNNING__'), now: performance.now()}; }"""
).replace("__RUNNING__", RUNNING)
TIMELINE_JS = (
    """() => {
  const m = window.__imr, n = performance.getEntriesByType('navigation')[0];
  const js = performance.getEntriesByType('resource').filter(r => r.name.endsWith('.js'));
  return {html: n.responseEnd, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,
          js_end: Math.max(0, ...js.map(r => r.responseEnd)), js_n: js.length,
          js_kb: js.reduce((a, r) => a + r.transferSize, 0) / 1024,
          js_kb_decoded: js.reduce((a, r) => a + r.decodedBodySize, 0) / 1024,
          ws: m.ws, ws_open: m.wsOpen, msg0: m.msg0, msgN: m.msgN, msgs: m.msgs,
          first: m.first, charts: document.querySelectorAll('__CHART__').length};
}"""
).replace("__CHART__", CHART)


@dataclass
class Variant:
    label: str
    root: Path
    db: Path | None
    python: str
    proc: subprocess.Popen | None = None
    url: str = ""
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of `pid` (all its threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = [int(k) for k in (task / "children").read_text().split()]
                out += kids
                todo += kids
        except OSError:
            continue
    return out


def browser_cpu(servers: set[int]) -> dict[int, float]:
    """CPU seconds of each process under this one (Playwright's driver, chromium and its
    renderers), leaving out the app servers' process trees."""
    skip = set(servers)
    for s in servers:
        skip |= set(descendants(s))
    return {p: cpu_seconds(p) for p in descendants(os.getpid()) if p not in skip}


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU between two snapshots; a process born in between counts from zero."""
    return sum(t - before.get(p, 0.0) for p, t in after.items())


def start(v: Variant) -> None:
    # IMR_WARMUP: what `imr app` sets (older commits ignore it)
    env = {"IMR_WARMUP": "1", **({"IMR_DB": str(v.db)} if v.db else {})}
    try:
        v.proc, v.url = streamlit_server.start(v.python, v.root, env)
    except RuntimeError as e:
        raise RuntimeError(f"{v.label}: {e}") from None


def stop(v: Variant) -> None:
    if v.proc is not None:
        streamlit_server.stop(v.proc)
        v.proc = None


def quiet(page, selector: str, since: float) -> float:
    """Wait until the page is drawn and quiet; return when it last changed (page clock)."""
    page.wait_for_selector(selector, timeout=90_000)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        s = page.evaluate(STATE_JS)
        last = max(s["mut"], s["msgN"] or 0)
        if not s["running"] and last > since and s["now"] - last > QUIET_MS:
            return last
        page.wait_for_timeout(100)
    raise TimeoutError("page never went quiet")


def full_load(context, v: Variant, path: str) -> dict:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    before = _metrics(cdp)
    cpu0, b0 = cpu_seconds(v.proc.pid), browser_cpu({v.proc.pid})
    page.goto(f"{v.url}/{path}", wait_until="commit")
    drawn = quiet(page, v.pages[path][1], 0)
    row = page.evaluate(TIMELINE_JS)
    row["browser_cpu"] = cpu_spent(b0, browser_cpu({v.proc.pid}))
    after = _metrics(cdp)
    row |= {k: after.get(k, 0) - before.get(k, 0) for k in after}
    row["nodes"] = page.evaluate("document.getElementsByTagName('*').length")
    row |= {"drawn": drawn, "server_cpu": cpu_seconds(v.proc.pid) - cpu0}
    page.close()
    return row


def _metrics(cdp) -> dict[str, float]:
    got = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {
        "script_cpu": got.get("ScriptDuration", 0),
        "layout_cpu": got.get("LayoutDuration", 0) + got.get("RecalcStyleDuration", 0),
        "task_cpu": got.get("TaskDuration", 0),
    }


def click(page, v: Variant, path: str) -> float:
    """In-app navigation: click the page's sidebar link; ms until drawn and quiet, CPU s."""
    link = page.locator('[data-testid="stSidebarNav"] a', has_text=v.pages[path][0]).first
    cpu0, b0 = cpu_seconds(v.proc.pid), browser_cpu({v.proc.pid})
    t0 = page.evaluate("performance.now()")
    link.click()
    page.wait_for_function(
        f"location.pathname.replace(/\\/$/, '') === '/{path}'.replace(/\\/$/, '')"
    )
    drawn = quiet(page, v.pages[path][1], t0) - t0
    return {
        "drawn": drawn,
        "browser_cpu": cpu_spent(b0, browser_cpu({v.proc.pid})),
        "server_cpu": cpu_seconds(v.proc.pid) - cpu0,
    }


def one_round(
    browser, v: Variant, out: dict[tuple[str, str, str], list[dict]], think: float
) -> None:
    """A fresh server, then first run, in-app cold and warm, full loads cold and warm."""
    start(v)
    try:
        paths = list(v.pages)
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        ctx.add_init_script(INIT_JS.replace("__WATCH__", json.dumps(WATCH)))
        page = ctx.new_page()
        cpu0 = cpu_seconds(v.proc.pid)
        page.goto(f"{v.url}/{paths[0]}", wait_until="commit")
        first = quiet(page, v.pages[paths[0]][1], 0) / 1000
        out[(v.label, "server's first run (full load)", paths[0])].append(
            {"drawn": first * 1000, "server_cpu": cpu_seconds(v.proc.pid) - cpu0}
        )
        page.wait_for_timeout(think * 1000)  # an analyst reads the first page before clicking
        if len(paths) > 1:
            for kind in ("in-app, cold", "in-app, warm"):
                for path in [*paths[1:], paths[0]]:
                    out[(v.label, kind, path)].append(click(page, v, path))
        ctx.close()
        ctx = None
        for path in paths:
            cold = browser.new_context(viewport={"width": 1400, "height": 1000})
            cold.add_init_script(INIT_JS.replace("__WATCH__", json.dumps(WATCH)))
            out[(v.label, "full load, cold browser", path)].append(full_load(cold, v, path))
            out[(v.label, "full load, warm browser", path)].append(full_load(cold, v, path))
            cold.close()
    finally:
        stop(v)


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def summarise(out: dict) -> tuple[list[list[object]], list[list[object]]]:
    visits, parts = [], []
    keys = ["html", "js_end", "dcl", "ws", "ws_open", "msg0", "msgN", CHART, MARKS, "drawn"]
    for (label, kind, path), rows in out.items():
        d = [r["drawn"] / 1000 for r in rows]
        cpu = [f"{statistics.median(xs):.2f}" if (xs := [r[k] for r in rows if k in r]) else "-"
               for k in ("browser_cpu", "server_cpu")]  # fmt: skip
        visits.append([label, kind, f"/{path}", len(d), f"{statistics.median(d):.2f}",
                       f"{p95(d):.2f}", *cpu])  # fmt: skip
        if kind.startswith("full load"):

            def med(k: str, rows=rows) -> str:
                xs = [r.get(k) if k in r else r["first"].get(k) for r in rows]
                xs = [x for x in xs if x is not None]
                return f"{statistics.median(xs) / 1000:.2f}" if xs else "-"

            cpu = [f"{statistics.median(r[k] for r in rows):.2f}"
                   for k in ("script_cpu", "layout_cpu", "task_cpu")]  # fmt: skip
            kb = f"{statistics.median(r['js_kb'] for r in rows):,.0f}"
            nodes = f"{statistics.median(r.get('nodes', 0) for r in rows):,.0f}"
            parts.append([label, kind.removeprefix("full load, "), f"/{path}",
                          *(med(k) for k in keys), *cpu, kb, rows[0]["charts"], nodes])  # fmt: skip
    return visits, parts


def variants(args) -> list[Variant]:
    pages = {p: PAGES[p] for p in args.pages.split(",")}
    found = (
        []
        if args.others_only
        else [Variant(args.label, ROOT, args.db.resolve(), sys.executable, pages=pages)]
    )
    for spec in args.app:
        label, _, rest = spec.partition("=")
        root, _, db = rest.partition(",")
        root_path = Path(root).resolve()
        py = root_path / ".venv/bin/python"
        found.append(
            Variant(label, root_path, Path(db).resolve() if db else args.db.resolve(),
                    str(py) if py.exists() else sys.executable, pages=pages)
        )  # fmt: skip
    if args.minimal:
        folder = Path(tempfile.mkdtemp(prefix="imr-minimal-"))
        (folder / "app.py").write_text(MINIMAL_APP)
        minimal = {"": ("", '[data-testid="stMarkdown"]')}
        found.append(Variant("one-line page", folder, None, sys.executable, pages=minimal))
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "imr.duckdb")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--app", action="append", default=[], help="LABEL=DIR[,DB], another app")
    ap.add_argument("--minimal", action="store_true", help="also a one-line Streamlit page")
    ap.add_argument("--label", default=f"this checkout ({machine().rsplit(' ', 1)[-1]})")
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument("--no-save", action="store_true", help="print only")
    ap.add_argument("--others-only", action="store_true", help="only the --app variants")
    ap.add_argument("--report", type=Path, help="summarise this raw file, measure nothing")
    ap.add_argument("--think", type=float, default=3.0, help="seconds on the first page")
    ap.add_argument(
        "--raw",
        type=Path,
        default=ROOT / "bench" / "out" / "page_visits.json",
        help="every visit's figures, rewritten after each round",
    )
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    vs = variants(args)
    out: dict[tuple[str, str, str], list[dict]] = {}
    load = [os.getloadavg()[0]]
    if args.report:  # the figures of an earlier (perhaps interrupted) run, summarised
        out = {(a, b, c): rows for a, b, c, rows in json.loads(args.report.read_text()) if rows}
        vs, load = [], []
        args.rounds = max(len(rows) for rows in out.values())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for r in range(0 if args.report else args.rounds):
                for v in vs if r % 2 == 0 else vs[::-1]:  # alternate who goes first
                    for key in _keys(v):
                        out.setdefault(key, [])
                    one_round(browser, v, out, args.think)
                    load.append(os.getloadavg()[0])
                    args.raw.write_text(json.dumps([[*k, rows] for k, rows in out.items()]))
                    print(f"round {r + 1}: {v.label} done (load {load[-1]:.1f})", flush=True)
        finally:
            browser.close()
            for v in vs:
                stop(v)
    visits, parts = summarise(out)
    vcols = ["app", "visit", "page", "n", "p50 s", "p95 s", "browser CPU s", "server CPU s"]
    pcols = ["app", "browser", "page", "HTML", "last JS", "DOMContentLoaded", "ws created",
             "ws open", "first msg", "last msg", "chart box", "chart marks", "drawn",
             "script", "layout + style", "main-thread tasks", "JS kB", "charts",
             "DOM elements"]  # fmt: skip
    show("Page visits (seconds until drawn)", vcols, visits)
    show("Full loads, median, seconds on the page's timeline", pcols, parts)
    if args.no_save:
        return
    notes = (
        f"{args.rounds} rounds, variants alternating; "
        f"{', '.join(f'{v.label}: {v.root}' for v in vs)}"
        f"; database {args.db}. Load average (1 min) after each app's round: "
        f"{', '.join(f'{x:.1f}' for x in load)} (2 cores); {args.think:.0f} s on the first page "
        "before the in-app clicks. Full-load parts are medians on the "
        "page's clock from navigation start; CPU columns are seconds of the renderer's main "
        "thread (Performance.getMetrics) and of the server process during the load."
    )
    append_section(
        "Page visits in the browser: full loads and in-app, cold and warm",
        " ".join(["python bench/page_visits.py", *sys.argv[1:]]),
        markdown(vcols, visits)
        + "\n\nFull loads broken down (median):\n\n"
        + markdown(pcols, parts),
        notes,
    )


def _keys(v: Variant) -> list[tuple[str, str, str]]:
    paths = list(v.pages)
    keys = [(v.label, "server's first run (full load)", paths[0])]
    if len(paths) > 1:
        keys += [
            (v.label, k, p)
            for k in ("in-app, cold", "in-app, warm")
            for p in [*paths[1:], paths[0]]
        ]
    keys += [
        (v.label, k, p)
        for p in paths
        for k in ("full load, cold browser", "full load, warm browser")
    ]
    return keys


if __name__ == "__main__":
    main()
