"""The polite client, on a fake clock: pacing, Retry-After, back-off, a clear give-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import pairwise

import httpx
import pytest

from fetch.client import PoliteClient, Politeness
from fetch.errors import FetchError
from tests.fetchsite import FakeClock

URL = "http://dwc.test/x"


def scripted(clock: FakeClock, answers: list):
    """A transport answering from a script; records the (fake) time each request started."""
    starts: list[float] = []
    script = iter(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        starts.append(clock.now)
        answer = next(script)
        if isinstance(answer, Exception):
            raise answer
        status, headers = answer if isinstance(answer, tuple) else (answer, {})
        return httpx.Response(status, headers=headers, text="ok")

    return httpx.MockTransport(handler), starts


def client(clock: FakeClock, transport, **politeness) -> PoliteClient:
    return PoliteClient(
        "http://dwc.test", Politeness(**politeness), transport=transport,
        clock=clock.clock, sleep=clock.sleep,
        wallclock=lambda: datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip


def gaps(starts: list[float]) -> list[float]:
    return [round(b - a, 6) for a, b in pairwise(starts)]


def test_requests_start_at_least_one_second_apart_at_the_default_rate():
    clock = FakeClock()
    transport, starts = scripted(clock, [200] * 6)
    c = client(clock, transport)
    for _ in range(3):
        c.get(URL)
    clock.now += 5.0  # time spent elsewhere (parsing, writing) counts towards the pause
    for _ in range(3):
        c.post_form(URL, {"a": "b"})
    assert gaps(starts) == [1.0, 1.0, 5.0, 1.0, 1.0]
    assert all(g >= 1.0 for g in gaps(starts))


def test_a_faster_rate_shortens_the_pause():
    clock = FakeClock()
    transport, starts = scripted(clock, [200] * 4)
    c = client(clock, transport, rate=4.0)
    for _ in range(4):
        c.get(URL)
    assert gaps(starts) == [0.25, 0.25, 0.25]


def test_retry_after_seconds_is_honoured():
    clock = FakeClock()
    transport, starts = scripted(clock, [(429, {"Retry-After": "7"}), 200])
    response = client(clock, transport).get(URL)
    assert response.status_code == 200
    assert gaps(starts) == [7.0]


def test_retry_after_as_an_http_date_is_honoured():
    clock = FakeClock()
    when = format_datetime(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=30), usegmt=True)
    transport, starts = scripted(clock, [(503, {"Retry-After": when}), 200])
    client(clock, transport).get(URL)
    assert gaps(starts) == [30.0]


def test_an_absurd_retry_after_is_capped():
    clock = FakeClock()
    transport, starts = scripted(clock, [(429, {"Retry-After": "999999"}), 200])
    client(clock, transport, retry_after_max=600.0).get(URL)
    assert gaps(starts) == [600.0]


def test_server_errors_back_off_exponentially_then_recover():
    clock = FakeClock()
    transport, starts = scripted(clock, [500, 502, 500, 200])
    response = client(clock, transport).get(URL)
    assert response.status_code == 200
    assert gaps(starts) == [2.0, 4.0, 8.0]


def test_network_errors_back_off_too():
    clock = FakeClock()
    transport, starts = scripted(clock, [httpx.ConnectError("refused"), 200])
    assert client(clock, transport).get(URL).status_code == 200
    assert gaps(starts) == [2.0]


def test_repeated_500s_stop_with_a_clear_error():
    clock = FakeClock()
    transport, starts = scripted(clock, [500] * 10)
    with pytest.raises(FetchError) as caught:
        client(clock, transport, max_failures=4).get(URL)
    assert len(starts) == 4  # no fifth try
    message = str(caught.value)
    assert "4 failures in a row" in message and "HTTP 500" in message and URL in message
    assert gaps(starts) == [2.0, 4.0, 8.0]


def test_a_success_resets_the_failure_count():
    clock = FakeClock()
    transport, _ = scripted(clock, [500, 500, 200, 500, 500, 200])
    c = client(clock, transport, max_failures=3)
    assert c.get(URL).status_code == 200
    assert c.get(URL).status_code == 200


def test_client_errors_are_returned_not_retried():
    clock = FakeClock()
    transport, starts = scripted(clock, [404])
    assert client(clock, transport).get(URL).status_code == 404
    assert len(starts) == 1


def test_the_user_agent_names_the_project(monkeypatch):
    monkeypatch.setenv("IMR_FETCH_CONTACT", "analyst@example.org")
    seen = []
    transport = httpx.MockTransport(
        lambda r: seen.append(r.headers["user-agent"]) or httpx.Response(200)
    )
    clock = FakeClock()
    client(clock, transport).get(URL)
    assert seen[0].startswith("imr-outcomes/") and "analyst@example.org" in seen[0]
