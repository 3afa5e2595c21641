"""Peak memory of the Streamlit server and page render times, driven by a real browser.

Starts `streamlit run app.py` on the benchmark database (env IMR_DB), opens every page in
Debian's chromium through Playwright (cold cache: the first visit runs the queries), pages
through the Cases table, and samples the RSS of the server process and its children
from /proc every 100 ms. Render time = navigation or input until the page's content is
drawn and Streamlit's running indicator is gone.

    .venv/bin/python bench/app_memory.py [--db bench/out/big.duckdb] [--pages 20] [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import streamlit_server
from results import OUT, append_section, markdown, show

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
RUNNING = '[data-testid="stStatusWidget"]'
# page path -> selector that shows its content is drawn
PAGES = {
    "": '[data-testid="stVegaLiteChart"] .marks',
    "breakdown": '[data-testid="stVegaLiteChart"] .marks',
    "compare": '[data-testid="stMetric"]',
    "cases": '[data-testid="stDataFrame"]',
    "data": '[data-testid="stMarkdown"]',
}


def tree_rss_mb(pid: int) -> float:
    """RSS of `pid` and its descendants (Streamlit may fork), from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = (task / "children").read_text().split()
                todo += [int(k) for k in kids]
        except OSError:
            continue
    return total / 1024


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.samples, self.stop = pid, 0.0, [], threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            rss = tree_rss_mb(self.pid)
            self.samples.append(rss)
            self.peak = max(self.peak, rss)
            time.sleep(0.1)


def settle(page, selector: str, started: float) -> float:
    page.wait_for_selector(selector, timeout=60_000)
    page.wait_for_timeout(150)  # let a rerun that is about to start show its indicator
    page.wait_for_selector(RUNNING, state="detached", timeout=60_000)
    return time.perf_counter() - started


def drive(url: str, n_pages: int, deep: int) -> tuple[list[list[object]], list[float]]:
    from playwright.sync_api import sync_playwright

    rows: list[list[object]] = []
    paging: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for path, selector in PAGES.items():
            t = time.perf_counter()
            page.goto(f"{url}/{path}")
            rows.append([f"/{path} (first visit)", f"{settle(page, selector, t):.2f}"])
        page.goto(f"{url}/cases")
        settle(page, PAGES["cases"], time.perf_counter())
        box = page.locator('[data-testid="stNumberInput"] input').first
        for n in [*range(2, n_pages + 2), deep]:
            t = time.perf_counter()
            box.fill(str(n))
            box.press("Enter")
            page.wait_for_selector(f"text=page {n} of", timeout=60_000)
            paging.append(settle(page, PAGES["cases"], t))
        t = time.perf_counter()
        page.goto(f"{url}/cases?search=zolpidem")
        page.wait_for_selector("text=Matches in context", timeout=60_000)
        rows.append(["/cases text search 'zolpidem'", f"{settle(page, 'h3', t):.2f}"])
        browser.close()
    return rows, paging


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=OUT / "big.duckdb")
    ap.add_argument("--pages", type=int, default=20, help="Cases pages to step through")
    ap.add_argument("--quick", action="store_true", help="3 Cases pages")
    args = ap.parse_args()
    proc, url = streamlit_server.start(
        sys.executable, ROOT, {"IMR_DB": str(args.db.resolve())}, timeout=60
    )
    sampler = Sampler(proc.pid)
    sampler.start()
    idle = tree_rss_mb(proc.pid)
    try:
        rows, paging = drive(url, 3 if args.quick else args.pages, 500 if args.quick else 2000)
    finally:
        sampler.stop.set()
        streamlit_server.stop(proc)
    steps = sorted(paging[:-1])
    p95 = steps[min(len(steps) - 1, round(0.95 * (len(steps) - 1)))]
    stats = f"{statistics.median(steps):.2f} / {p95:.2f} / {steps[-1]:.2f}"
    rows.insert(-1, ["/cases next page, p50 / p95 / max", stats])
    rows.insert(-1, [f"/cases deep page ({500 if args.quick else 2000:,})", f"{paging[-1]:.2f}"])
    rows += [["server RSS at start (MB)", f"{idle:,.0f}"],
             ["server RSS peak (MB)", f"{sampler.peak:,.0f}"]]  # fmt: skip
    cols = ["what", "seconds / MB"]
    show(f"Streamlit app on {args.db.name}", cols, rows)
    append_section(
        f"App render times and memory ({args.db.name})",
        " ".join(["python bench/app_memory.py", *sys.argv[1:]]),
        markdown(cols, rows),
        f"{len(steps)} Cases page steps (number input + Enter), then one deep page. Load average "
        f"at the end: {os.getloadavg()[0]:.1f}.",
    )


if __name__ == "__main__":
    main()
