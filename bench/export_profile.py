"""Where an export's time goes (issue 13: 65k filtered rows with rationales), part by part.

    python bench/export_profile.py --db bench/out/big.duckdb
    python bench/export_profile.py --db bench/out/big.duckdb \
        --make-clustered bench/out/clustered.duckdb
    python bench/export_profile.py --rounds 3 \
        --compare "before=/work/main,/work/main/bench/out/big.duckdb" \
        --compare "after=.,bench/out/big.duckdb"

The parts run on ONE DuckDB thread and report CPU seconds beside wall time, so they add up
and stay comparable on a loaded machine: finding the keys, fetching the picked decisions and
letters (with and without their long text columns), joining and sorting the fetched rows, and
pyarrow's CSV encoding of the result. `--make-clustered` copies the database and rewrites
`letters` and `decisions` in decision-date order (an experiment: what a date-clustered layout
would cost the export), then rebuilds the derived tables; the source file is only read.
`--compare LABEL=CHECKOUT,DB` (repeated) runs `export_bytes` of the same filter in one
persistent process per checkout and database, alternating round by round, and reports CPU
seconds (the comparable figure on a shared machine), wall seconds and the output's sha256;
`--filter '{"from": "2013-01-01", "to": "2020-07-31"}'` (query parameters) exports another
filter, e.g. ~65k rows of a --quick database. `--stages` times the export as queries.export
runs it, stage by stage (`--rounds` times).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from queries.derived import refresh_derived

WHERE = (
    "decision_date >= DATE '2019-01-01' and decision_date <= DATE '2019-12-31' "
    "and service_category = 'Rehabilitation'"
)  # bench/query_latency.py's EXPORT_FILTER
JOINED = (
    "select l.* exclude (reviewer_states, reviewer_certifications), "
    "array_to_string(l.reviewer_states, '; ') as reviewer_states, "
    "array_to_string(l.reviewer_certifications, '; ') as reviewer_certifications, "
    "d.* exclude (letter_id) from d join l using (letter_id)"
)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def profile(db: Path) -> list[tuple[str, float, float]]:
    con = duckdb.connect(str(db), read_only=True, config={"threads": 1, "memory_limit": "2GB"})
    out: list[tuple[str, float, float]] = []

    def part(label, fn):
        c, t = _cpu(), time.perf_counter()
        result = fn()
        out.append((label, _cpu() - c, time.perf_counter() - t))
        print(f"{label:55s} cpu {out[-1][1]:5.2f} s  wall {out[-1][2]:5.2f} s", flush=True)
        return result

    def arrow(sql):
        return lambda: con.sql(sql).to_arrow_table()

    keys = part(
        "keys (decision_no, letter_no) from decision_facts",
        arrow(
            f"select decision_no, letter_no, letter_id, item_no from decision_facts where {WHERE}"
        ),
    )
    con.register("keys", keys)
    part("all rationales decoded (full scan, for scale)",
         lambda: con.sql("select sum(length(rationale)) from decisions").fetchall())  # fmt: skip
    d = part("picked decisions, every column (semi-join on decision_no)",
             arrow("select * from decisions semi join keys using (decision_no)"))  # fmt: skip
    part("picked decisions without rationale and citations",
         arrow("select * exclude (rationale, ca_guideline, imr_guideline) "
               "from decisions semi join keys using (decision_no)"))  # fmt: skip
    picked = "where rowid in (select letter_no from keys)"
    letters = part("picked letters, all but raw_text (rowid semi-join)",
                   arrow(f"select * exclude (raw_text) from letters {picked}"))  # fmt: skip
    part("picked letters without clinical_summary",
         arrow(f"select * exclude (raw_text, clinical_summary) from letters {picked}"))  # fmt: skip
    con.register("d", d)
    con.register("l", letters)
    part("join of the fetched rows, unsorted", arrow(JOINED))
    rows = part("join + order by letter_id, item_no",
                arrow(JOINED + " order by letter_id, item_no"))  # fmt: skip

    def encode() -> int:
        sink = io.BytesIO()
        with pacsv.CSVWriter(sink, rows.schema) as writer:
            writer.write_table(rows)
        return sink.getbuffer().nbytes

    size = part("pyarrow CSV encoding of the result, one thread", encode)
    print(f"{rows.num_rows:,} rows, {size / 1e6:,.0f} MB of CSV")
    con.close()
    return out


class _Timer:
    """`with timer(label):` prints the block's CPU and wall seconds."""

    @contextlib.contextmanager
    def __call__(self, label: str) -> Iterator[None]:
        c, t = _cpu(), time.perf_counter()
        yield
        print(f"  {label:48s} cpu {_cpu() - c:5.3f} s  wall {time.perf_counter() - t:5.3f} s")


def stages(db: Path, where: str | None, rounds: int) -> None:
    """The export as queries.export runs it (2 DuckDB threads, two cursors), stage by stage:
    keys, both fetches at once, placing the rows (take) and encoding them, each one thread,
    and copying the encoded bytes into the one `bytes` object export_bytes returns."""
    import io as _io
    from datetime import date

    import queries as q
    from queries.binding import bound
    from queries.runner import relation

    export = sys.modules["queries.export"]
    f = q.Filters(service_category=("Rehabilitation",), date_from=date(2019, 1, 1),
                  date_to=date(2019, 12, 31))  # fmt: skip
    if where:
        f = q.Filters.from_query_params(json.loads(where))
    con = q.open_db(db)
    con.execute("set enable_progress_bar = false")
    for r in range(rounds):
        print(f"round {r + 1}, load {os.getloadavg()[0]:.1f}", flush=True)
        timer = _Timer()
        with bound(con, f) as (sql_where, params), timer("keys, sorted"):
            keys = relation(con, "export_keys", params, where=sql_where).to_arrow_table()
        with timer("both fetches at once"):
            _, parts = export._fetched_in_order(con, keys)
        with timer("placing the rows (take), one thread"):
            batches = [make() for make in parts]
        with timer("encoding, one thread"):
            chunks = [export._encode_csv(batch, header=False) for batch in batches]
        del batches
        with timer("copying into the returned bytes"):
            sink = _io.BytesIO()
            for chunk in chunks:
                sink.write(chunk)
            size = len(sink.getvalue())
        del chunks, sink
        with timer("the whole export_bytes (2 encoder threads)"):
            q.export_bytes(con, f)
        print(f"  {keys.num_rows:,} rows, {size / 1e6:,.0f} MB of CSV", flush=True)
    con.close()


def make_clustered(source: Path, target: Path) -> None:
    """A copy of `source` with letters and decisions stored in decision-date order."""
    shutil.copy(source, target)
    con = duckdb.connect(str(target), config={"threads": 2, "memory_limit": "6GB"})
    t = time.perf_counter()
    con.execute("begin")
    con.execute("create table letters_c as select * from letters order by decision_date, letter_id")
    con.execute(
        "create table decisions_c as select d.* from decisions d join letters l using (letter_id) "
        "order by l.decision_date, d.letter_id, d.item_no"
    )
    # the copies have no constraints: drop the originals (and the index that depends on one)
    con.execute("drop index if exists decisions_decision_no")
    con.execute("drop table decisions")
    con.execute("alter table decisions_c rename to decisions")
    con.execute("drop table letters")
    con.execute("alter table letters_c rename to letters")
    con.execute("create unique index decisions_decision_no on decisions (decision_no)")
    con.execute("commit")
    print(f"rewritten in date order: {time.perf_counter() - t:.0f} s", flush=True)
    print(refresh_derived(con), f"{time.perf_counter() - t:.0f} s", flush=True)
    con.execute("checkpoint")
    con.close()


WORKER = """
import contextlib, hashlib, json, resource, sys, time
from datetime import date
sys.path.insert(0, sys.argv[1])
import queries as q
f = q.Filters(service_category=("Rehabilitation",), date_from=date(2019, 1, 1),
              date_to=date(2019, 12, 31))  # bench/query_latency.py's EXPORT_FILTER
if sys.argv[4]:  # --filter: another filter as query parameters (a small database)
    f = q.Filters.from_query_params(json.loads(sys.argv[4]))
fresh = sys.argv[3] == "fresh"  # as the app runs it: a new connection per export (ui/data.py)
def connected():
    con = q.open_db(sys.argv[2])
    con.execute("set enable_progress_bar = false")  # it draws on stdout, our pipe
    return con
con = connected()
q.export_bytes(con, q.Filters(date_from=date(2013, 1, 1), date_to=date(2013, 1, 2)))  # warm
if fresh:
    con.close()
print("ready", flush=True)
for _ in sys.stdin:
    a, t = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    with contextlib.closing(connected()) if fresh else contextlib.nullcontext(con) as c:
        data, manifest = q.export_bytes(c, f)
    wall, b = time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"cpu": b.ru_utime + b.ru_stime - a.ru_utime - a.ru_stime,
                      "sys": b.ru_stime - a.ru_stime, "faults": b.ru_minflt - a.ru_minflt,
                      "wall": wall, "rows": manifest["rows"], "bytes": len(data),
                      "sha": hashlib.sha256(data).hexdigest()[:12]}), flush=True)
    del data
"""


def compare(
    runs: list[str], rounds: int, where: str | None = None, fresh: bool = False
) -> list[list[object]]:
    """Alternate `export_bytes` over persistent workers (LABEL=CHECKOUT,DB); one row each.
    `fresh`: each export on a new connection, as the app runs it (a cold DuckDB buffer pool)."""
    workers = {}
    for spec in runs:
        label, _, rest = spec.partition("=")
        checkout, _, db = rest.partition(",")
        python = Path(checkout) / ".venv/bin/python"
        proc = subprocess.Popen(
            [str(python), "-c", WORKER, str(Path(checkout).resolve()), db,
             "fresh" if fresh else "kept", where or ""],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=checkout,
        )  # fmt: skip
        assert proc.stdout.readline().strip() == "ready", label
        workers[label] = proc
    got: dict[str, list[dict]] = {label: [] for label in workers}
    loads = [os.getloadavg()[0]]
    for r in range(rounds):
        for label, proc in workers.items() if r % 2 == 0 else reversed(workers.items()):
            proc.stdin.write("run\n")
            proc.stdin.flush()
            got[label].append(json.loads(proc.stdout.readline()))
            print(label, got[label][-1], flush=True)
    loads.append(os.getloadavg()[0])
    for proc in workers.values():
        proc.stdin.close()
        proc.wait()
    load = f"{loads[0]:.1f} / {loads[1]:.1f}"
    return [
        [label, f"{runs[0]['rows']:,}", f"{statistics.median(x['cpu'] for x in runs):.2f}",
         f"{min(x['cpu'] for x in runs):.2f}", f"{statistics.median(x['sys'] for x in runs):.2f}",
         f"{statistics.median(x['faults'] for x in runs):,.0f}",
         f"{statistics.median(x['wall'] for x in runs):.2f}", f"{min(x['wall'] for x in runs):.2f}",
         f"{_p95(x['wall'] for x in runs):.2f}", f"{max(x['wall'] for x in runs):.2f}",
         ", ".join(sorted({x["sha"] for x in runs})), load]
        for label, runs in got.items()
    ]  # fmt: skip


def _p95(values) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=Path("bench/out/big.duckdb"))
    ap.add_argument("--make-clustered", type=Path, metavar="OUT")
    ap.add_argument("--compare", action="append", metavar="LABEL=CHECKOUT,DB")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--filter", metavar="JSON", help='query params: {"from": "2013-01-01"}')
    ap.add_argument("--stages", action="store_true", help="the export as it runs, stage by stage")
    ap.add_argument("--fresh", action="store_true", help="--compare: a new connection per export")
    args = ap.parse_args()
    if args.compare:
        columns = ["export_bytes CSV", "rows", "CPU s (median)", "CPU s (min)",
                   "of it kernel s (median)", "page faults (median)", "wall s (median)",
                   "wall s (min)", "wall s (p95)", "wall s (max)", "sha256",
                   "load avg start / end"]  # fmt: skip
        rows = compare(args.compare, args.rounds, args.filter, args.fresh)
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from results import append_section, markdown, show

        show("Export compare", columns, rows)
        append_section(
            "Export, 65k filtered rows with rationales: alternating compare",
            " ".join(["python bench/export_profile.py", *sys.argv[1:]]),
            markdown(columns, rows),
            f"{args.rounds} alternating rounds, persistent processes, after one warm-up export; "
            + (
                "a new connection per export (as the app: DuckDB's buffer pool cold)."
                if args.fresh
                else "one connection kept open (DuckDB's buffer pool warm)."
            ),
        )
        return
    if args.make_clustered:
        make_clustered(args.db, args.make_clustered)
        return
    if args.stages:
        stages(args.db, args.filter, args.rounds)
        return
    profile(args.db)


if __name__ == "__main__":
    main()
