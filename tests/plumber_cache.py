"""pdfplumber's page texts of the 40 real letters, written once per test run to a JSON file
under a lock; run as a module (`python -m tests.plumber_cache FOLDER [KEPT]`) to write it in
the background while the tests start.

pdfplumber's output is a function of the PDF bytes, the backend's code (ingest/extract.py)
and the installed pdfplumber / pdfminer.six: with a KEPT folder (pytest's cache dir), the
texts are also kept there under a hash of exactly those, and the next run with the same
inputs reads them instead of extracting again (~9 CPU s). Any change to one of them is a
new key, so a kept text is never used for other code or other files.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import sys
from importlib.metadata import version
from pathlib import Path

from tests.paths import REAL_LETTERS

NAME = "pdfplumber-real-letters"


def cache_key() -> str:
    """A hash of what pdfplumber's texts of the real letters depend on."""
    from ingest import extract

    digest = hashlib.sha256(Path(extract.__file__).read_bytes())
    for dist in ("pdfplumber", "pdfminer.six"):
        digest.update(f"{dist}=={version(dist)}\n".encode())
    for path in sorted(REAL_LETTERS.glob("*.pdf")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:24]


def kept_file(kept: Path) -> Path:
    return kept / f"{NAME}-{cache_key()}.json"


def read_or_write(root: Path, kept: Path | None = None) -> dict[str, list[str]]:
    """The cache in `root`, written first if absent (from `kept` if it holds this key's
    texts, else by extracting); waits while another process writes it."""
    from ingest.extract import _PDF_BACKENDS

    cache = root / f"{NAME}.json"
    with (root / f"{NAME}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cache.exists():
            partial = cache.with_suffix(".partial")
            keep = kept_file(kept) if kept is not None else None
            if keep is not None and keep.exists():
                shutil.copyfile(keep, partial)
            else:
                pages = {}
                for path in sorted(REAL_LETTERS.glob("*.pdf")):
                    data = path.read_bytes()
                    pages[hashlib.sha256(data).hexdigest()] = _PDF_BACKENDS["pdfplumber"](data)
                partial.write_text(json.dumps(pages), encoding="utf-8")
                if keep is not None:
                    for old in keep.parent.glob(f"{NAME}-*.json"):  # other code's texts
                        old.unlink()
                    shutil.copyfile(partial, keep.with_suffix(".partial"))
                    keep.with_suffix(".partial").replace(keep)
            partial.replace(cache)
    return json.loads(cache.read_text(encoding="utf-8"))


if __name__ == "__main__":
    read_or_write(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
