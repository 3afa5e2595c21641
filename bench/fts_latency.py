"""First search of a word, then every query function under that word as a text filter.

One word per fresh process (no key cache, the OS file cache as it happens to be), so the
first search is what an analyst meets typing a new word. Run for two checkouts in one run
(alternating words), e.g. main's code on main's database against this branch on its copy:

    .venv/bin/python bench/fts_latency.py --before /work/main:/work/main/bench/out/big.duckdb \\
        --after .:bench/out/big.duckdb [--append]

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

WORDS = ("zolpidem", "acupuncture", '"functional improvement"', "documentation")
REPEATS = 3  # warm calls per function (the word's keys cached): the median is reported


def one(db: str, word: str) -> dict[str, float]:
    """Run in a child whose sys.path starts at the checkout being measured."""
    import queries as q

    out: dict[str, float] = {}

    def timed(name: str, fn, repeats: int = 1) -> object:
        times, result = [], None
        for _ in range(repeats):
            t = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - t) * 1000)
        out[name] = sorted(times)[len(times) // 2]
        return result

    f = q.Filters(text=word)
    with q.open_db(db) as con:
        q.summary(con, q.Filters())  # connection, macros, freshness checks: not the word's cost
        page = timed("first search (page 1 + count)", lambda: (
            q.search(con, word, q.Filters()), q.search_count(con, word, q.Filters())))  # fmt: skip
        out["matches"] = q.search_count(con, word, q.Filters())
        timed("first text filter (decision_count)", lambda: q.decision_count(con, f))
        timed("summary", lambda: q.summary(con, f), REPEATS)
        by_category = lambda: q.overturn_rate_by(con, "service_category", f, letters=False)  # noqa: E731
        timed("rate by category, letters=False", by_category, REPEATS)
        timed("trend quarter, letters=False", lambda: q.trend(con, "quarter", f, letters=False), 3)
        timed("decisions page 1", lambda: q.decisions(con, f), REPEATS)
        timed("search page 1 (warm)", lambda: q.search(con, word, q.Filters()), REPEATS)
        timed("search_count (warm)", lambda: q.search_count(con, word, q.Filters()), REPEATS)
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
    ap.add_argument("--words", nargs="*", default=list(WORDS))
    args = ap.parse_args()
    if args.one:
        code, db, word = args.one
        sys.path.insert(0, code)
        print(json.dumps(one(db, word)))
        return
    results: dict[str, dict[str, dict[str, float]]] = {}
    for word in args.words:
        for label, spec in (("before", args.before), ("after", args.after)):
            code, db = spec.split(":", 1)
            load = os.getloadavg()[0]
            results.setdefault(word, {})[label] = {**child(code, db, word), "load": load}
            print(word, label, json.dumps(results[word][label]), flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
