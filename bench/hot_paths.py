"""Throughput of two hot paths, with the floors they must keep (formerly wall-clock tests;
tests never assert time, so the floors are checked here, on a quiet machine).

- the demo generator's fast path (`demo.cases.generate_letters`): the full-scale benchmark
  builds 1.7 M letters from it; ~20-25k letters/s measured alone, floor 8k;
- the service classifier, uncached: > 20k distinct strings per second (the issue's floor),
  so `imr renormalize` and ingest are never bound by it.

    .venv/bin/python bench/hot_paths.py      # exit 1 when a rate is below its floor
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from demo.cases import generate_letters
from ingest import normalize
from ingest.classify_service import classify_service

GENERATOR_FLOOR = 8_000  # letters/s
CLASSIFIER_FLOOR = 20_000  # strings/s


def generator_rate(letters: int = 20_000) -> float:
    started = time.perf_counter()
    count = sum(1 for _ in generate_letters(letters, 1))
    return count / (time.perf_counter() - started)


def classifier_rate() -> float:
    normalize.clear_caches()
    services = [f"Physical therapy {i} sessions for the lumbar spine" for i in range(4000)]
    services += [f"Norco 10/325mg #{i}" for i in range(4000)]
    services += [f"Unknown gadget model {i}" for i in range(2000)]  # worst case: every rule
    started = time.perf_counter()
    for s in services:
        classify_service(s)
    return len(services) / (time.perf_counter() - started)


def main() -> int:
    failed = False
    for name, rate, floor, unit in (
        ("demo generator fast path", generator_rate(), GENERATOR_FLOOR, "letters/s"),
        ("service classifier, uncached", classifier_rate(), CLASSIFIER_FLOOR, "strings/s"),
    ):
        ok = rate > floor
        failed |= not ok
        print(f"{name}: {rate:,.0f} {unit} (floor {floor:,}) {'ok' if ok else 'BELOW FLOOR'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
