"""Per-file resource limits for worker processes, so one hostile file costs only itself.

A 1.2 MB PDF whose content stream inflates to gigabytes made pdfium take 5.7 GB. Workers
therefore run with an address-space cap (RLIMIT_AS, above what the process already maps)
and a CPU-time budget per file (RLIMIT_CPU: past it the kernel ends the worker); the pool
in `pipeline.py` survives a dead worker. Workers also die with their parent (Linux
PR_SET_PDEATHSIG) and leave Ctrl-C to the parent, which stops them.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import os
import resource
import signal
import sys
from dataclasses import dataclass

PR_SET_PDEATHSIG = 1
# glibc's mallopt parameters: keep up to this much freed memory instead of handing it back to
# the kernel after each file, and grow the heap by this much more than asked. By default
# pdfium's per-document allocations were returned and faulted in again for every PDF
# (one process, 1,500 demo PDFs: 0.7 s of sys time -> 0.06 s; less in the pool's workers).
M_TRIM_THRESHOLD, M_TOP_PAD = -1, -2
KEEP_FREED_BYTES = 32 * 1024 * 1024
TOP_PAD_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 1536  # above the worker's own mapping at start
    cpu_seconds: int = 60  # per file; real letters take well under a second

    @classmethod
    def from_env(cls) -> Limits:
        """Operators can tune the limits: IMR_WORKER_MEMORY_MB, IMR_WORKER_CPU_SECONDS."""
        return cls(
            memory_mb=int(os.environ.get("IMR_WORKER_MEMORY_MB", cls.memory_mb)),
            cpu_seconds=int(os.environ.get("IMR_WORKER_CPU_SECONDS", cls.cpu_seconds)),
        )


_cpu_budget = 0


def init_worker(parent_pid: int, limits: Limits) -> None:
    """Pool initializer: die with the parent, ignore Ctrl-C, cap memory, no core files."""
    global _cpu_budget
    die_with_parent(parent_pid)
    faulthandler.disable()  # a worker killed by its limits is expected, not a crash report
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _set_soft(resource.RLIMIT_CORE, 0)
    keep_freed_memory()
    mapped = _mapped_bytes()
    if mapped is not None:
        _set_soft(resource.RLIMIT_AS, mapped + limits.memory_mb * 1024 * 1024)
    _cpu_budget = limits.cpu_seconds


def die_with_parent(parent_pid: int) -> None:
    """Linux ends this worker when its parent dies (PR_SET_PDEATHSIG), however it dies."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def keep_freed_memory() -> bool:
    """Tell glibc's malloc to keep freed heap memory (see M_TRIM_THRESHOLD above); a few MB
    beside the memory limit. False where there is no glibc (nothing changes there)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        return bool(
            libc.mallopt(M_TRIM_THRESHOLD, KEEP_FREED_BYTES)
            and libc.mallopt(M_TOP_PAD, TOP_PAD_BYTES)
        )
    except (OSError, AttributeError):
        return False


def start_file_clock() -> None:
    """Give the next file `cpu_seconds` of CPU from now (SIGXCPU ends the worker past it)."""
    if _cpu_budget:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        _set_soft(resource.RLIMIT_CPU, int(usage.ru_utime + usage.ru_stime) + 1 + _cpu_budget)


def _set_soft(which: int, value: int) -> None:
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(which, (value, hard))


def _mapped_bytes() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None
