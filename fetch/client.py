"""A polite HTTP client for a state agency's site: one request at a time, paced.

Every request (retries included) starts at least 1/rate seconds after the previous one. A 429
or 503 with `Retry-After` waits as told; other 5xx answers and network errors back off
exponentially; after `max_failures` failures in a row the run stops with a `FetchError`
instead of hammering a site that is down. The clock and sleep are injectable so tests check
the pacing without waiting.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from fetch.errors import FetchError

PROJECT_URL = "imr-outcomes (California IMR outcomes research; one request at a time)"
CONTACT_ENV = "IMR_FETCH_CONTACT"  # an e-mail or URL to put in the User-Agent


def user_agent() -> str:
    contact = os.environ.get(CONTACT_ENV, "").strip()
    return f"imr-outcomes/0.1 ({PROJECT_URL}{'; contact: ' + contact if contact else ''})"


@dataclass(frozen=True)
class Politeness:
    rate: float = 1.0  # requests per second, at most
    max_failures: int = 5  # failures in a row on one request before giving up
    backoff_first: float = 2.0  # seconds after the first failure; doubles each time
    backoff_max: float = 300.0
    retry_after_max: float = 3600.0  # a longer Retry-After is capped, not obeyed blindly
    timeout: float = 60.0


class PoliteClient:
    """GET and form POST with pacing, `Retry-After`, back-off and a clear give-up."""

    def __init__(
        self,
        base_url: str,
        politeness: Politeness = Politeness(),
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        wallclock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_wait: Callable[[float, str], None] | None = None,
    ) -> None:
        if politeness.rate <= 0:
            raise ValueError("rate must be positive")
        self.base_url = base_url.rstrip("/")
        self.politeness = politeness
        self._clock, self._sleep, self._wallclock = clock, sleep, wallclock
        self._on_wait = on_wait
        self._next_start: float | None = None
        self.requests = 0
        self._http = httpx.Client(
            transport=transport,
            headers={"User-Agent": user_agent()},
            timeout=politeness.timeout,
            follow_redirects=True,
        )

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def url(self, path: str) -> str:
        return self.base_url + path

    def post_form(self, url: str, fields: dict[str, str]) -> httpx.Response:
        return self._send(lambda: self._http.post(url, data=fields), url)

    def get(self, url: str) -> httpx.Response:
        return self._send(lambda: self._http.get(url), url)

    def _send(self, call: Callable[[], httpx.Response], url: str) -> httpx.Response:
        failures = 0
        while True:
            self._pace()
            try:
                response = call()
            except httpx.TransportError as exc:
                failures += 1
                last = f"{type(exc).__name__}: {exc}"
                delay = None
            else:
                if response.status_code != 429 and response.status_code < 500:
                    return response
                failures += 1
                last = f"HTTP {response.status_code}"
                delay = self._retry_after(response)
            if failures >= self.politeness.max_failures:
                raise FetchError(
                    "an answer",
                    f"{failures} failures in a row (last: {last}); stopped to spare the site",
                    url,
                )
            if delay is None:
                delay = self._backoff(failures)
            self._wait(delay, f"{last}; waiting {delay:.0f} s (failure {failures})")

    def _pace(self) -> None:
        now = self._clock()
        if self._next_start is not None and now < self._next_start:
            self._sleep(self._next_start - now)
            now = self._clock()
        self._next_start = now + 1.0 / self.politeness.rate
        self.requests += 1

    def _backoff(self, failures: int) -> float:
        p = self.politeness
        return min(p.backoff_first * 2 ** (failures - 1), p.backoff_max)

    def _retry_after(self, response: httpx.Response) -> float | None:
        """Seconds from a `Retry-After` header (delta-seconds or HTTP date), if any."""
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return None
        if value.isdigit():
            seconds = float(value)
        else:
            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            seconds = (when - self._wallclock()).total_seconds()
        return min(max(seconds, 0.0), self.politeness.retry_after_max)

    def _wait(self, seconds: float, why: str) -> None:
        if self._on_wait:
            self._on_wait(seconds, why)
        self._sleep(seconds)
        # The wait itself satisfies the pacing: the next request may start right away.
        self._next_start = min(self._next_start or 0.0, self._clock())
