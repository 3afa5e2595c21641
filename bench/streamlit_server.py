"""Start a Streamlit server of this app (or another checkout's) on a free port and wait until
it answers: the one way the browser benches start one, so their figures share a setup."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

PORTS = "IMR_BENCH_PORTS"  # e.g. "8601-8609": serve on the first free port of this range


def _free_port() -> int:
    """A free port: the first free one of IMR_BENCH_PORTS when set (several people benching
    on one machine each keep to their own range), else any the kernel hands out."""
    low, _, high = os.environ.get(PORTS, "0").partition("-")
    for port in range(int(low), int(high or low) + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in {PORTS}={os.environ[PORTS]}")


def start(
    python: str, root: Path, env: dict[str, str], timeout: float = 90
) -> tuple[subprocess.Popen, str]:
    """(process, base url) of `python -m streamlit run app.py` in `root`, healthy; its own
    process group, so `stop` ends it and its children."""
    port = _free_port()
    cmd = [python, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=root, env={**os.environ, **env}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                return proc, url
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise RuntimeError(f"streamlit in {root} did not become healthy in {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
