"""The fake DWC search wired to the fetch code without a network, and a clock that never
waits: tests drive the polite client through hours of back-off in milliseconds."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import httpx

from fetch.client import PoliteClient, Politeness
from fetch.fake_catalog import real_letter_cases
from fetch.fake_site import Failures, FakeSite
from fetch.run import FetchPlan, IngestReport
from tests.paths import REAL_LETTERS

FROM, TO = date(2016, 12, 1), date(2017, 2, 28)
BASE = "http://dwc.test"


class FakeClock:
    """monotonic() and sleep() for the client: sleeping moves the time, nothing waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@cache
def real_cases() -> tuple:
    return tuple(real_letter_cases(REAL_LETTERS))


def make_site(page_size: int = 25, failures: Failures | None = None) -> FakeSite:
    return FakeSite(real_cases(), page_size=page_size, failures=failures)


def make_client(
    app, clock: FakeClock | None = None, *, rate: float = 1.0, max_failures: int = 5
) -> PoliteClient:
    clock = clock or FakeClock()
    return PoliteClient(
        BASE,
        Politeness(rate=rate, max_failures=max_failures),
        transport=httpx.WSGITransport(app=app),
        clock=clock.clock,
        sleep=clock.sleep,
    )


def make_plan(tmp_path: Path, **kwargs) -> FetchPlan:
    kwargs.setdefault("window_days", 31)
    return FetchPlan(FROM, TO, tmp_path / "letters", tmp_path / "imr.duckdb", **kwargs)


class RecordingIngest:
    """A stand-in ingest step that only remembers what it was handed."""

    def __init__(self) -> None:
        self.batches: list[list[Path]] = []

    def __call__(self, paths: list[Path]) -> IngestReport:
        self.batches.append(list(paths))
        return IngestReport(added=len(paths))

    @property
    def files(self) -> list[Path]:
        return [p for batch in self.batches for p in batch]
