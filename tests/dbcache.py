"""Test databases built once per test run and copied to each module that asks for one.

Several modules build the same database (the same builder, the same arguments: seeded, so
the same rows). `@once_per_run` builds it once, in the run's folder that the xdist workers
share, under a file lock, and gives every caller its own copy of the files (the database,
its WAL if any, the search index beside it): a test may still write to its copy. Outside a
pytest run (`python -m tests.golden`), or when the target already exists, it just builds.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec

from queries.connection import index_path_for

P = ParamSpec("P")
# Set by tests/conftest.py: the run's folder (shared by the xdist workers), asked lazily.
run_folder: Callable[[], Path] | None = None


def _files(db: Path) -> list[tuple[str, Callable[[Path], Path]]]:
    """The files that make a database, as (name beside `db`, where it goes for another db)."""
    return [
        (db.name, lambda d: d),
        (f"{db.name}.wal", lambda d: Path(f"{d}.wal")),
        (index_path_for(db).name, index_path_for),
    ]


def once_per_run(build: Callable[..., Path]) -> Callable[..., Path]:
    """`build(path, *args, **kwargs) -> path`, built once per run per argument set."""

    @functools.wraps(build)
    def built(path: Path, *args: object, **kwargs: object) -> Path:
        path = Path(path)
        if run_folder is None or any(to(path).exists() for _, to in _files(path)):
            return build(path, *args, **kwargs)
        key = repr((build.__module__, build.__qualname__, args, sorted(kwargs.items())))
        folder = run_folder() / "built" / hashlib.sha256(key.encode()).hexdigest()[:16]
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / "imr.duckdb"
        with (folder / "lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be building it now
            if not (folder / "done").exists():
                for name, _ in _files(source):  # what a failed build left
                    (folder / name).unlink(missing_ok=True)
                build(source, *args, **kwargs)
                (folder / "done").touch()
        path.parent.mkdir(parents=True, exist_ok=True)
        for name, to in _files(source):
            if (folder / name).exists():
                shutil.copyfile(folder / name, to(path))
        return path

    return built
