"""The first start's demo database (`imr app` on a fresh clone, before the server starts):
generate the demo corpus + ingest it + derived tables and search index, from nothing.

Each round runs `imr.demo_run.build_demo_database` in a fresh process per checkout, this one
and optionally `--against` another (a `git worktree` of the commit before), alternating
A, B, A, B so both see the same load. Reported per run: wall and CPU (the process and its
workers, user + sys), the caches' share, imports, and the load average at start and end.
The corpus and database go to a temporary folder, removed after each run.

    .venv/bin/python bench/first_start.py --rounds 3 --against /tmp/before-checkout
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results import append_section, markdown, show

HERE = Path(__file__).resolve().parents[1]

# Runs inside the checkout under test (its own modules first on sys.path).
CHILD = r"""
import json, os, resource, sys, time
started = time.perf_counter()
sys.path.insert(0, os.getcwd())
from pathlib import Path
import imr.demo_run as demo_run

def cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime

caches = {}
real_repair = demo_run.repair_caches
def timed_repair(*args, **kwargs):
    wall, (own, _) = time.perf_counter(), cpu()
    result = real_repair(*args, **kwargs)
    caches.update(wall=time.perf_counter() - wall, cpu=cpu()[0] - own)
    return result
demo_run.repair_caches = timed_repair

out = Path(sys.argv[1])
load = os.getloadavg()[0]
imported = time.perf_counter()
own0, kids0 = cpu()
summary = demo_run.build_demo_database(out / "imr.duckdb", out / "demo")
own1, kids1 = cpu()
print(json.dumps({
    "imports": imported - started, "wall": time.perf_counter() - imported,
    "cpu_parent": own1 - own0, "cpu_workers": kids1 - kids0,
    "caches_wall": caches.get("wall", 0.0), "caches_cpu": caches.get("cpu", 0.0),
    "added": summary.added, "quarantined": len(summary.quarantined),
    "load_start": load, "load_end": os.getloadavg()[0],
}))
"""


def run_once(checkout: Path, python: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="imr-first-start-") as tmp:
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as `make run` (the Makefile unexports it)
        done = subprocess.run(
            [python, "-c", CHILD, tmp], cwd=checkout, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"{checkout}: exit {done.returncode}\n{done.stderr[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout, run alternately")
    parser.add_argument("--label", default="", help="a note for the section title")
    parser.add_argument("--no-append", action="store_true", help="print only")
    args = parser.parse_args()
    python = sys.executable
    checkouts = {"this": HERE}
    if args.against:
        checkouts = {"against": args.against.resolve(), "this": HERE}
    runs: dict[str, list[dict]] = {name: [] for name in checkouts}
    rows = []
    for k in range(args.rounds):
        for name, checkout in checkouts.items():
            r = run_once(checkout, python)
            runs[name].append(r)
            rows.append(_row(f"{name} #{k + 1}", r))
            show("first start's demo database", COLUMNS, rows[-1:])
    for name, found in runs.items():
        if len(found) > 1:
            median = {key: statistics.median(r[key] for r in found) for key in found[0]}
            rows.append(_row(f"{name}, median", median))
    show("first start's demo database", COLUMNS, rows)
    if not args.no_append:
        title = "First start's demo database (bench/first_start.py)"
        if args.label:
            title += f", {args.label}"
        command = "python bench/first_start.py " + " ".join(sys.argv[1:])
        notes = (
            "wall: generate + ingest + caches (derived tables, search index), imports excluded; "
            "CPU: user + sys of the process and its workers; load: 1-minute load average at "
            f"start -> end ({os.cpu_count()} cores)."
        )
        append_section(title, command, markdown(COLUMNS, rows), notes)


COLUMNS = [
    "run",
    "wall s",
    "CPU s (parent + workers)",
    "caches wall / CPU s",
    "imports s",
    "letters / quarantined",
    "load",
]


def _row(name: str, r: dict) -> list[object]:
    own, workers = r["cpu_parent"], r["cpu_workers"]
    return [
        name,
        f"{r['wall']:.1f}",
        f"{own + workers:.1f} ({own:.1f} + {workers:.1f})",
        f"{r['caches_wall']:.1f} / {r['caches_cpu']:.1f}",
        f"{r['imports']:.1f}",
        f"{r['added']:,.0f} / {r['quarantined']:.0f}",
        f"{r['load_start']:.1f} -> {r['load_end']:.1f}",
    ]


if __name__ == "__main__":
    main()
