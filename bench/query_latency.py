"""p50/p95 latency of every query function over realistic filter combinations.

Each (function, arguments, filters) call runs once to warm up, then `--reps` timed runs, on a
fresh read-only connection from `queries.open_db` (what the app and the CLI use).

    .venv/bin/python bench/query_latency.py [--db bench/out/big.duckdb] [--reps 3] [--quick]
        [--combos none,category] [--no-search] [--label after]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from results import OUT, append_section, markdown, show

import queries as q
from queries import Filters

Y2019 = {"date_from": date(2019, 1, 1), "date_to": date(2019, 12, 31)}
COMBOS: dict[str, Filters] = {
    "none": Filters(),
    "category": Filters(service_category=("Pharmaceuticals",)),
    "year": Filters(**Y2019),
    "specialty+category": Filters(
        reviewer_specialty=("Family Practice",), service_category=("Pharmaceuticals",)
    ),
    "drug+outcome": Filters(drug_class=("Opioids",), case_outcome=("Upheld",)),
    "state+age+sex": Filters(
        reviewer_state=("California",), age_band=("50-59",), patient_sex=("female",)
    ),
    "text common": Filters(text="documentation"),  # 98 % of the rows
    "text selective": Filters(text="zolpidem"),  # 1.8 %
    "text half": Filters(text="passive"),  # 49 %: neither selective nor mostly misses
    "text phrase 75 %": Filters(text='"functional improvement"'),
    "text+year+category": Filters(
        text="physical therapy", service_category=("Rehabilitation",), **Y2019
    ),
}
EXPORT_FILTER = Filters(service_category=("Rehabilitation",), **Y2019)  # ~50k rows at full scale
SEARCHES = ("documentation", "zolpidem", '"functional improvement"', "acupuncture")
QUICK = ("none", "category", "text common")
LEAN = {"letters": False}


def calls(
    con, combos: dict[str, Filters], case_ids: list[str], search: bool = True
) -> list[tuple[str, str, Callable]]:
    """(function label, combo label, zero-argument call) for every measured call."""
    out: list[tuple[str, str, Callable]] = []
    for label, f in combos.items():
        out.append(("summary", label, lambda f=f: q.summary(con, f)))
        for dim in q.DIMENSIONS:
            out.append(("overturn_rate_by (each dimension)", f"{label}/{dim}",
                        lambda f=f, d=dim: q.overturn_rate_by(con, d, f)))  # fmt: skip
        out.append(("overturn_rate_by two-way (state x category)", label,
                    lambda f=f: q.overturn_rate_by(con, "service_category", f,
                                                   by="reviewer_state")))  # fmt: skip
        # what the app's charts ask: no distinct-letter count (LEAN)
        for dim in q.DIMENSIONS:
            out.append(("overturn_rate_by, letters=False (app charts)", f"{label}/{dim}",
                        lambda f=f, d=dim: q.overturn_rate_by(con, d, f, **LEAN)))  # fmt: skip
        out.append(("two-way (specialty x category), letters=False (app heat map)", label,
                    lambda f=f: q.overturn_rate_by(con, "reviewer_specialty", f,
                                                   by="service_category", **LEAN)))  # fmt: skip
        for grain in q.GRAINS:
            out.append((f"trend {grain}", label, lambda f=f, g=grain: q.trend(con, g, f)))
        out.append(("trend quarter, letters=False (app chart)", label,
                    lambda f=f: q.trend(con, "quarter", f, **LEAN)))  # fmt: skip
        out.append(("trend year by category", label,
                    lambda f=f: q.trend(con, "year", f, by="service_category")))  # fmt: skip
        out.append(("decision_count", label, lambda f=f: q.decision_count(con, f)))
        out.append(("decisions page 1", label, lambda f=f: q.decisions(con, f)))
        out.append(("decisions page 1, sort by service", label,
                    lambda f=f: q.decisions(con, f, sort="service", descending=False)))  # fmt: skip
        out.append(("decisions deep page (offset 100k)", label,
                    lambda f=f: q.decisions(con, f, offset=100_000)))  # fmt: skip
        out.append(("compare (vs all decisions)", label, lambda f=f: q.compare(con, f, Filters())))
        for text in SEARCHES if search else ():
            out.append(("search (page 1 + snippets)", f"{label}/{text}",
                        lambda f=f, t=text: q.search(con, t, f)))  # fmt: skip
            out.append(("search_count", f"{label}/{text}",
                        lambda f=f, t=text: q.search_count(con, t, f)))  # fmt: skip
    for cid in case_ids:
        out.append(("letter (by case number)", cid, lambda c=cid: q.letter(con, c)))
    out.append(("export_bytes csv (~50k rows)", "Rehabilitation 2019",
                lambda: q.export_bytes(con, EXPORT_FILTER)))  # fmt: skip
    out.append(("filter_options", "-", lambda: q.filter_options(con)))
    out.append(("data_span", "-", lambda: q.data_span(con)))
    return out


def measure(
    db: Path, reps: int, names: list[str], search: bool = True
) -> tuple[list[list[object]], dict]:
    con = q.open_db(db)
    combos = {k: COMBOS[k] for k in names}
    ids = [r[0] for r in con.sql("select case_number from letters using sample 5 rows").fetchall()]
    times: dict[str, list[tuple[float, str]]] = defaultdict(list)
    first: dict[str, list[float]] = defaultdict(list)
    for name, label, call in calls(con, combos, ids, search):
        t = time.perf_counter()
        call()  # the first call also fills the per-process full-text match cache
        first[name].append((time.perf_counter() - t) * 1000)
        for _ in range(reps):
            t = time.perf_counter()
            call()
            times[name].append(((time.perf_counter() - t) * 1000, label))
    facts = {
        "decisions": con.sql("select count(*) from decisions").fetchall()[0][0],
        "letters": con.sql("select count(*) from letters").fetchall()[0][0],
        "export rows": q.export_bytes(con, EXPORT_FILTER)[1]["rows"],
    }
    con.close()
    rows = []
    for name, samples in times.items():
        ms = sorted(s for s, _ in samples)
        plain = sorted(s for s, label in samples if not _texted(name, label))
        texted = sorted(s for s, label in samples if _texted(name, label))
        worst = max(samples)
        cold = sorted(first[name])
        rows.append([name, len(ms), f"{statistics.median(ms):.0f}", _p95(plain, 150),
                     _p95(texted, 200), f"{worst[0]:.0f}", worst[1], _p95(cold)])  # fmt: skip
    return rows, facts


def _texted(name: str, label: str) -> bool:
    """Whether a case ran with searched text: a search, or a combination with a text filter."""
    return name.startswith("search") or label.startswith("text")


def _p95(ms: list[float], target: float | None = None) -> str:
    """p95 of sorted samples, with whether it meets issue 13's target ("-": no samples)."""
    if not ms:
        return "-"
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    verdict = "" if target is None else (" ok" if p95 <= target else " MISS")
    return f"{p95:,.0f}{verdict}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=OUT / "big.duckdb")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="three filter combinations, 1 rep")
    ap.add_argument(
        "--combos", help="comma-separated subset of: " + ", ".join(COMBOS).replace("%", "%%")
    )
    ap.add_argument("--label", default="", help="a note for the results section (e.g. before)")
    ap.add_argument("--no-search", action="store_true", help="skip search / search_count calls")
    args = ap.parse_args()
    reps = 1 if args.quick else args.reps
    names = args.combos.split(",") if args.combos else list(QUICK if args.quick else COMBOS)
    rows, facts = measure(args.db, reps, names, search=not args.no_search)
    size = sum(p.stat().st_size for p in (args.db, q.index_path_for(args.db)) if p.exists())
    columns = [
        "query function",
        "calls",
        "p50 ms",
        "p95 ms, no text (target 150)",
        "p95 ms, text filter (target 200)",
        "max ms",
        "slowest case",
        "first-call p95",
    ]
    title = (f"Query latency, {facts['decisions']:,} decisions / {facts['letters']:,} letters"
             + (f" ({args.label})" if args.label else ""))  # fmt: skip
    show(title, columns, rows)
    combos = ", ".join(names)
    notes = (
        f"Database {args.db.name}: {args.db.stat().st_size / 1e6:,.0f} MB; with search index "
        f"{size / 1e6:,.0f} MB. Filter combinations: {combos}"
        f"; {reps} timed runs after one warm-up. Export filter: {facts['export rows']:,} rows."
    )
    print(notes)
    append_section(title, " ".join(["python bench/query_latency.py", *sys.argv[1:]]),
                   markdown(columns, rows), notes)  # fmt: skip


if __name__ == "__main__":
    main()
