"""First search of a word, then every query function under that word as a text filter.

One word per fresh process (no key cache, the OS file cache as it happens to be: the index
file is read by every run, so its pages are usually warm), so the first search is what an
analyst meets typing a new word. The words span rare, mid and common (see WORDS: ranked by
bm25 up to fulltext.RANKED_MAX hits, unranked above; single words, a phrase, an AND). Run
for two checkouts in one run (alternating per word), e.g. main's code on main's database
against this branch on its copy, and print a Markdown table of both:

    .venv/bin/python bench/fts_latency.py --before /work/main:/work/main/bench/out/big.duckdb \\
        --after .:bench/out/big.duckdb

A `--one CODE DB WORD` child prints one JSON line: milliseconds per step.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

# (word, share of the 3.34 M decisions of bench/out/big.duckdb), rare to common
WORDS = (
    ("rotator", "0.7 %"),
    ("zolpidem", "1.8 %"),
    ("acupuncture", "2.8 %"),
    ("shoulder", "6.6 %"),
    ("passive", "49 %"),
    ('"functional improvement"', "75 %, a phrase"),
    ("documentation", "98 %"),
    ("documentation zolpidem", "1.7 %, an AND"),
)
REPEATS = 3  # warm calls per function (the word's keys cached): the median is reported
STEPS = ("first search (page 1 + count)", "first search (page 1 + count) CPU",
         "repeat search (page 1 + count)",
         "first text filter (decision_count)", "summary", "decisions page 1")  # fmt: skip


def one(db: str, word: str) -> dict[str, float]:
    """Run in a child whose sys.path starts at the checkout being measured."""
    import queries as q

    out: dict[str, float] = {}

    def timed(name: str, fn, repeats: int = 1) -> object:
        times, cpu, result = [], [], None
        for _ in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            result = fn()
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)  # every thread's: fairer under load
        out[name] = sorted(times)[len(times) // 2]
        out[name + " CPU"] = sorted(cpu)[len(cpu) // 2]
        return result

    f = q.Filters(text=word)
    with q.open_db(db) as con:
        q.summary(con, q.Filters())  # connection, macros, freshness checks: not the word's cost
        first = lambda: (q.search(con, word, q.Filters()), q.search_count(con, word, q.Filters()))  # noqa: E731
        page = timed("first search (page 1 + count)", first)
        timed("repeat search (page 1 + count)", first, REPEATS)
        out["matches"] = q.search_count(con, word, q.Filters())
        timed("first text filter (decision_count)", lambda: q.decision_count(con, f))
        timed("summary", lambda: q.summary(con, f), REPEATS)
        timed("decisions page 1", lambda: q.decisions(con, f), REPEATS)
        del page
    return out


def child(code: str, db: str, word: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(Path(code).resolve())}
    python = Path(code) / ".venv" / "bin" / "python"
    run = subprocess.run(
        [str(python if python.exists() else sys.executable), str(Path(__file__).resolve()),
         "--one", str(Path(code).resolve()), db, word],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--one", nargs=3, metavar=("CODE", "DB", "WORD"))
    ap.add_argument("--before", help="CODE:DB")
    ap.add_argument("--after", help="CODE:DB")
    ap.add_argument("--words", nargs="*", default=[w for w, _ in WORDS])
    args = ap.parse_args()
    if args.one:
        code, db, word = args.one
        sys.path.insert(0, code)
        print(json.dumps(one(db, word)))
        return
    results: dict[str, dict[str, dict[str, float]]] = {}
    for word in args.words:
        for label, spec in (("before", args.before), ("after", args.after)):
            if spec is None:  # one checkout alone: its column only
                continue
            code, db = spec.split(":", 1)
            load = os.getloadavg()[0]
            results.setdefault(word, {})[label] = {**child(code, db, word), "load": load}
            print(word, label, json.dumps(results[word][label]), flush=True)
    print(json.dumps(results))
    print(table(results))


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    """word x step, before and after, load average beside each word."""
    share = dict(WORDS)
    lines = ["| word (matches, share) | step | before ms | after ms |", "|---|---|---|---|"]
    for word, runs in results.items():
        before, after = runs.get("before", {}), runs.get("after", {})
        label = f"{word} ({int(after.get('matches', 0)):,}, {share.get(word, '?')})"
        for step in STEPS:
            lines.append(f"| {label} | {step} | {before.get(step, 0):,.0f} | "
                         f"{after.get(step, 0):,.0f} |")  # fmt: skip
        lines.append(f"| {label} | load average at start | {before.get('load', 0):.1f} | "
                     f"{after.get('load', 0):.1f} |")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
