"""p50/p95 latency of every analyses query function (issue 14), called as the pages call them.

Same method as query_latency.py (its filter combinations): each (function, arguments, filters)
call runs once to warm up, then `--reps` timed runs, on a fresh read-only connection from
`queries.open_db`. p95 is reported separately over the combinations without a text filter
(target <= 150 ms) and those with one (target <= 200 ms), as issue 13 sets them.

    .venv/bin/python bench/analyses_latency.py [--db bench/out/big.duckdb] [--reps 3] [--quick]
        [--against DIR]   # also time the code in DIR (e.g. main's queries/ and common/),
                          # alternating with this tree per filter combination
        [--only group_trend,standardised]  # only these query functions (label prefixes)

With `--against`, each filter combination runs in two child processes, one per code tree,
one after the other, so "before" and "after" share the machine's load of the moment.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NO_TEXT_TARGET, TEXT_TARGET = 150, 200  # ms, issue 13


def _import_queries(code: Path):
    """`queries` from `code` (a project root), so the same script can time another tree."""
    sys.path.insert(0, str(code))
    import queries

    return queries


def calls(q, con, combos: dict) -> list[tuple[str, str, Callable]]:
    """(function label, case label, zero-argument call): what the analyses pages ask, with
    their defaults, every period grain the pages offer, and the Reviewers page's three
    comparisons. Group-by selectors are timed at their default and at reviewer_state (the one
    dimension that unnests a list: the slowest a user can pick)."""
    pharma, subcat_within = "Pharmaceuticals", "Rehabilitation"
    out: list[tuple[str, str, Callable]] = []

    def add(name: str, case: str, fn: Callable) -> None:
        out.append((name, case, fn))

    for label, f in combos.items():
        # Timeliness page: overall, per period (default quarter), by group (default category)
        add("timeliness overall", label, lambda f=f: q.timeliness(con, f))
        for g in q.GRAINS:
            add("timeliness per period", f"{label}/{g}",
                lambda f=f, g=g: q.timeliness(con, f, grain=g))  # fmt: skip
        for by in ("service_category", "reviewer_state"):
            add("timeliness by group", f"{label}/{by}",
                lambda f=f, by=by: q.timeliness(con, f, by=by))  # fmt: skip
        # Mix page: the three levels, every grain for the default level; opioid share
        for g in q.GRAINS:
            add("mix service_category", f"{label}/{g}",
                lambda f=f, g=g: q.mix(con, f, g, "service_category"))  # fmt: skip
            add("opioid_share", f"{label}/{g}", lambda f=f, g=g: q.opioid_share(con, f, g))
        add("mix subcategory within / drug class within", f"{label}/subcategory",
            lambda f=f: q.mix(con, f, "year", "service_subcategory",
                              within=subcat_within))  # fmt: skip
        add("mix subcategory within / drug class within", f"{label}/drug class",
            lambda f=f: q.mix(con, f, "year", "drug_class", within=pharma))  # fmt: skip
        # Trends by group page (default: service category, year, k = 6)
        for g in q.GRAINS:
            add("group_trend", f"{label}/service_category/{g}",
                lambda f=f, g=g: q.group_trend(con, f, "service_category", g, k=6))  # fmt: skip
        add("group_trend", f"{label}/reviewer_state/year",
            lambda f=f: q.group_trend(con, f, "reviewer_state", "year", k=6))  # fmt: skip
        # Guidelines page
        add("agreement_rates", label, lambda f=f: q.agreement_rates(con, f))
        for level in ("source", "chapter"):
            add("agreement_table", f"{label}/{level}",
                lambda f=f, lv=level: q.agreement_table(con, f, lv))  # fmt: skip
        # Reviewers page: its three comparisons
        for dim in ("reviewer_specialty", "reviewer_state", "licensed_in_california"):
            add("standardised", f"{label}/{dim}",
                lambda f=f, d=dim: q.standardised(con, f, d))  # fmt: skip
        # Letters page: overall takeaway, per period (default year), partly vs denied
        add("case_outcomes overall", label, lambda f=f: q.case_outcomes(con, f))
        add("items_per_letter overall", label, lambda f=f: q.items_per_letter(con, f))
        for g in q.GRAINS:
            add("case_outcomes per period", f"{label}/{g}",
                lambda f=f, g=g: q.case_outcomes(con, f, g))  # fmt: skip
            add("items_per_letter per period", f"{label}/{g}",
                lambda f=f, g=g: q.items_per_letter(con, f, g))  # fmt: skip
        add("partly_vs_denied", label, lambda f=f: q.partly_vs_denied(con, f))
        # Data page: the overall design effect (the page passes no filters; timed under each)
        add("clustered_rate_by overall (design effect)", label,
            lambda f=f: q.clustered_rate_by(con, f))  # fmt: skip
    return out


def measure(
    code: Path, db: Path, reps: int, names: list[str], only: list[str] | None = None
) -> dict[str, list]:
    """{function: [[ms, case, text?, cpu ms], ...]} for the timed runs of `code`'s query layer
    (cpu: the process's CPU time over the call, every DuckDB thread included)."""
    q = _import_queries(code)  # first: query_latency's `import queries` then reuses it
    sys.path.insert(0, str(HERE))
    from query_latency import COMBOS

    con = q.open_db(db)
    combos = {k: COMBOS[k] for k in names}
    samples: dict[str, list] = defaultdict(list)
    for name, case, call in calls(q, con, combos):
        if only and not any(name.startswith(o) for o in only):
            continue
        has_text = bool(combos[case.split("/")[0]].text)
        call()  # warm-up; the first text call also fills the full-text match cache
        for _ in range(reps):
            t, c = time.perf_counter(), time.process_time()
            call()
            wall, cpu = time.perf_counter() - t, time.process_time() - c
            samples[name].append([wall * 1000, case, has_text, cpu * 1000])
    con.close()
    return samples


def p95(ms: list[float]) -> float:
    ms = sorted(ms)
    return ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]


def summarise(samples: dict[str, list]) -> dict[str, dict[str, object]]:
    out = {}
    for name, rows in samples.items():
        plain = [r[0] for r in rows if not r[2]]
        text = [r[0] for r in rows if r[2]]
        worst = max(rows)
        cpu = [r[3] for r in rows if len(r) > 3]
        out[name] = {
            "calls": len(rows),
            "p50": statistics.median(r[0] for r in rows),
            "cpu": statistics.mean(cpu) if cpu else None,
            "p95": p95(plain) if plain else None,
            "p95_text": p95(text) if text else None,
            "worst": f"{worst[0]:.0f} ({worst[1]})",
        }
    return out


def _ms(v: float | None) -> str:
    return "-" if v is None else f"{v:,.0f}"


def _meets(s: dict) -> str:
    ok = (s["p95"] is None or s["p95"] <= NO_TEXT_TARGET) and (
        s["p95_text"] is None or s["p95_text"] <= TEXT_TARGET
    )
    return "yes" if ok else "NO"


def child(code: Path, db: Path, reps: int, combo: str, only: str | None = None) -> dict[str, list]:
    """Time one combination of `code` in a fresh process (its own imports and caches)."""
    cmd = [sys.executable, __file__, "--db", str(db), "--reps", str(reps), "--combos", combo,
           "--code", str(code), "--json", *(["--only", only] if only else [])]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, env=os.environ)
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--code", type=Path, default=ROOT)
    _import_queries(pre.parse_known_args()[0].code)  # before query_latency imports ROOT's
    sys.path.insert(0, str(HERE))
    from query_latency import COMBOS, QUICK
    from results import OUT, append_section, markdown, show

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=OUT / "big.duckdb")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="three filter combinations, 1 rep")
    ap.add_argument(
        "--combos", help="comma-separated subset of: " + ", ".join(COMBOS).replace("%", "%%")
    )
    ap.add_argument("--against", type=Path, help="another project root to time alongside")
    ap.add_argument("--only", help="comma-separated query function labels (prefixes) to time")
    ap.add_argument("--label", default="", help="a note for the results section")
    ap.add_argument("--code", type=Path, default=ROOT, help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    reps = 1 if args.quick else args.reps
    names = args.combos.split(",") if args.combos else list(QUICK if args.quick else COMBOS)
    only = args.only.split(",") if args.only else None
    if args.json:  # a child of --against: raw samples on the last stdout line
        print(json.dumps(measure(args.code, args.db, reps, names, only)))
        return
    load = os.getloadavg()
    trees = {"before": args.against, "after": ROOT} if args.against else {"": ROOT}
    samples: dict[str, dict[str, list]] = {k: defaultdict(list) for k in trees}
    if args.against:
        for combo in names:  # alternate the trees per combination: same load for both
            for key, code in trees.items():
                for name, rows in child(code, args.db, reps, combo, args.only).items():
                    samples[key][name] += rows
                print(f"{combo}: {key} done (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
    else:
        samples[""] = measure(ROOT, args.db, reps, names, only)
    stats = {k: summarise(v) for k, v in samples.items()}
    load = f"load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    if args.against:
        columns = ["query function", "calls", "p95 ms before", "p95 ms after", "text p95 before",
                   "text p95 after", "CPU ms/call before", "CPU ms/call after",
                   "slowest after (ms, case)", "on target"]  # fmt: skip
        rows = [[name, a["calls"], _ms(stats["before"][name]["p95"]), _ms(a["p95"]),
                 _ms(stats["before"][name]["p95_text"]), _ms(a["p95_text"]),
                 _ms(stats["before"][name]["cpu"]), _ms(a["cpu"]), a["worst"],
                 _meets(a)] for name, a in stats["after"].items()]  # fmt: skip
    else:
        columns = ["query function", "calls", "p50 ms", "p95 ms (no text)", "p95 ms (text)",
                   "CPU ms/call", "slowest (ms, case)", "on target"]  # fmt: skip
        rows = [[name, s["calls"], _ms(s["p50"]), _ms(s["p95"]), _ms(s["p95_text"]),
                 _ms(s["cpu"]), s["worst"], _meets(s)]
                for name, s in stats[""].items()]  # fmt: skip
    title = "Analyses latency" + (f" ({args.label})" if args.label else "")
    show(title, columns, rows)
    notes = (
        f"Database {args.db.name} ({args.db.stat().st_size / 1e6:,.0f} MB). Filter combinations: "
        f"{', '.join(names)}; {reps} timed runs after one warm-up per call; {load} (2 cores). "
        f"Targets: p95 <= {NO_TEXT_TARGET} ms without a text filter, <= {TEXT_TARGET} ms with one."
        + (f" Before: the code in {args.against}." if args.against else "")
    )
    print(notes)
    command = " ".join(["python bench/analyses_latency.py", *sys.argv[1:]])
    append_section(title, command, markdown(columns, rows), notes)


if __name__ == "__main__":
    main()
