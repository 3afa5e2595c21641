"""pdfplumber's page texts of the 40 real letters, written once per test run to a JSON file
under a lock; run as a module (`python -m tests.plumber_cache FOLDER`) to write it in the
background while the tests start."""

from __future__ import annotations

import fcntl
import hashlib
import json
import sys
from pathlib import Path

from tests.paths import REAL_LETTERS


def read_or_write(root: Path) -> dict[str, list[str]]:
    """The cache in `root`, written first if absent; waits while another process writes it."""
    from ingest.extract import _PDF_BACKENDS

    cache = root / "pdfplumber-real-letters.json"
    with (root / "pdfplumber-real-letters.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cache.exists():
            pages = {}
            for path in sorted(REAL_LETTERS.glob("*.pdf")):
                data = path.read_bytes()
                pages[hashlib.sha256(data).hexdigest()] = _PDF_BACKENDS["pdfplumber"](data)
            partial = cache.with_suffix(".partial")
            partial.write_text(json.dumps(pages), encoding="utf-8")
            partial.replace(cache)
    return json.loads(cache.read_text(encoding="utf-8"))


if __name__ == "__main__":
    read_or_write(Path(sys.argv[1]))
