"""Crash safety: kill `imr ingest` at random moments, re-run it, check the database each time.

Each round starts from an empty database, runs `imr ingest` on a demo corpus as a user
would, and after a random delay kills it one of three ways: the parent with SIGKILL, one
worker with SIGKILL, or the parent with SIGTERM (what a shell's `kill` or a container stop
sends). Then it checks that no worker outlived a killed parent, re-runs the ingest to the
end, and checks the invariants: letters == the letters of an uninterrupted run, decisions ==
sum(item_count), no orphan or half-written letter, the search index and the derived tables
cover exactly the stored rows; after SIGTERM the run's own count equals what it stored.

    .venv/bin/python bench/crash_safety.py --rounds 24 --letters 300
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from results import append_section, markdown, show  # noqa: E402

from demo.corpus import write_corpus  # noqa: E402
from queries.connection import index_path_for  # noqa: E402

IMR = (
    [sys.executable, "-m", "imr.cli"]
    if not (ROOT / ".venv/bin/imr").exists()
    else [str(ROOT / ".venv/bin/imr")]
)
KILLS = ("parent SIGKILL", "worker SIGKILL", "parent SIGTERM")


def ingest(corpus: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*IMR, "ingest", str(corpus), "--db", str(db), "--quiet", "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so survivors can be found
        cwd=ROOT,
    )


def until_running(run: subprocess.Popen, db: Path) -> float:
    """Wait until the run has started work (its database exists): Python's start-up is not
    an interesting moment to kill. Returns the time it did."""
    while run.poll() is None and not db.exists():
        time.sleep(0.02)
    return time.perf_counter()


def children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except OSError:
        return []


def survivors(pgid: int, wait: float = 5.0) -> int:
    """Processes left in the killed run's group after `wait` seconds (0 is right)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        alive = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _pgid(p) == pgid]
        if not alive:
            return 0
        time.sleep(0.1)
    return len(alive)


def _pgid(proc: Path) -> int | None:
    try:
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[2]) if fields[0] != "Z" else None
    except (OSError, IndexError, ValueError):
        return None


def one(sql: str, db: Path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql).fetchall()[0][0]
    finally:
        con.close()


def invariants(db: Path, expected: tuple[int, int]) -> list[str]:
    problems = []
    letters = one("select count(*) from letters", db)
    decisions = one("select count(*) from decisions", db)
    if (letters, decisions) != expected:
        problems.append(f"letters/decisions {letters}/{decisions}, expected {expected}")
    if decisions != one("select coalesce(sum(item_count), 0) from letters", db):
        problems.append("decisions != sum(item_count)")
    orphans = one("select count(*) from decisions where letter_id not in "
                  "(select letter_id from letters)", db)  # fmt: skip
    if orphans:
        problems.append(f"{orphans} orphan decisions")
    if one("select count(*) from decision_facts", db) != decisions:
        problems.append("decision_facts out of step")
    with sqlite3.connect(index_path_for(db)) as lite:
        docs = lite.execute("select count(*) from docs").fetchone()[0]
    if docs != decisions:
        problems.append(f"search index {docs} docs for {decisions} decisions")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=24)
    parser.add_argument("--letters", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="imr-crash-") as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        write_corpus(corpus, letters=args.letters, seed=args.seed)
        reference = tmp / "reference.duckdb"
        ref = ingest(corpus, reference)
        started = until_running(ref, reference)
        ref.communicate()
        full_seconds = time.perf_counter() - started  # from the run's start, not Python's
        expected = (one("select count(*) from letters", reference),
                    one("select count(*) from decisions", reference))  # fmt: skip
        rows, failures = [], 0
        for round_no in range(1, args.rounds + 1):
            db = tmp / f"round{round_no}.duckdb"
            kill = KILLS[(round_no - 1) % len(KILLS)]
            delay = rng.uniform(0.0, full_seconds)
            run = ingest(corpus, db)
            until_running(run, db)
            time.sleep(delay)
            killed = "finished first"
            if kill == "worker SIGKILL":  # workers start after discovery: wait for one
                while run.poll() is None and not children(run.pid):
                    time.sleep(0.05)
            if run.poll() is None:
                if kill == "worker SIGKILL" and (workers := children(run.pid)):
                    os.kill(rng.choice(workers), signal.SIGKILL)
                    killed = kill
                elif kill != "worker SIGKILL":
                    os.kill(run.pid, signal.SIGKILL if kill == "parent SIGKILL" else signal.SIGTERM)
                    killed = kill
            _, err = run.communicate()
            left = survivors(run.pid)
            code = run.returncode
            problems = [f"{left} processes outlived the run"] if left else []
            stored = one("select count(*) from letters", db) if db.exists() else 0
            if kill == "parent SIGTERM" and killed == kill:
                # exit 130 with an honest count once ingest has started; killed while Python
                # was still starting (exit -15), nothing may have been stored
                if code != 130 and stored:
                    problems.append(f"SIGTERM exit {code} after storing {stored}")
                reported = (
                    one("select coalesce(max_by(added, run_id), 0) from ingest_runs", db)
                    if db.exists()
                    else 0
                )
                if reported != stored:
                    problems.append(f"run reported {reported} added, {stored} stored")
            if b"Traceback" in err:
                problems.append("traceback on stderr")
            rerun = ingest(corpus, db)
            rerun.communicate()
            problems += invariants(db, expected)
            failures += bool(problems)
            rows.append([round_no, killed, f"{delay:.1f}", code, stored, rerun.returncode,
                         "; ".join(problems) or "ok"])  # fmt: skip
            for suffix in ("", ".wal", ".search.sqlite", ".lock"):
                Path(str(db) + suffix if suffix != ".search.sqlite" else index_path_for(db)).unlink(
                    missing_ok=True
                )
        columns = [
            "round",
            "kill",
            "s after start",
            "exit",
            "letters stored",
            "re-run exit",
            "checks",
        ]
        show(f"Crash safety: {args.rounds} rounds, {expected[0]} letters", columns, rows)
        verdict = f"{args.rounds - failures} of {args.rounds} rounds passed every check."
        print(verdict)
        append_section(
            "Crash safety (bench/crash_safety.py)",
            f".venv/bin/python bench/crash_safety.py --rounds {args.rounds} "
            f"--letters {args.letters}",
            markdown(columns, rows),
            f"{verdict} Uninterrupted run: {full_seconds:.1f} s; expected {expected[0]} letters "
            f"/ {expected[1]} decisions.",
        )
        sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
