"""Write a demo corpus folder: letters as PDF and .txt, a manifest of their true values, the
`DEMO_CORPUS` marker (ingest flags letters under it as demo data) and a `broken/` folder.

Rendering runs in worker processes (fpdf2 is pure Python; ~2 cores halve the wall time).
Every letter's file kind, encryption and wording come from (seed, index), so the corpus is
the same whatever the number of workers.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import asdict, dataclass, replace
from datetime import date
from itertools import islice
from pathlib import Path

from demo.broken import write_broken
from demo.cases import generate_letters
from demo.layout_fields import HEADER_FIELDS
from demo.render_pdf import pdf_bytes
from demo.render_text import blocks_to_text, letter_blocks
from demo.tables import tables
from ingest.limits import die_with_parent
from ingest.model import Letter
from ingest.pipeline import DEMO_MARKER as MARKER

DEFAULT_DEMO_DIR = Path("data/demo")
DEFAULT_LETTERS = 3000
DEFAULT_SEED = 2013
MANIFEST = "manifest.jsonl"
CHUNK_LETTERS = 100  # letters per rendering task: a reader of the files starts after the first
POLL_SECONDS = 0.05  # how long `CorpusWriter.written` waits for a chunk before yielding None
# Layouts the parser deliberately refuses (ingest/layouts/professional_review_2013.py).
UNSUPPORTED_LAYOUTS = {"professional_review_2013": "layout_unsupported"}


@dataclass(frozen=True)
class DemoFile:
    index: int
    letter: Letter
    file: str
    kind: str  # "pdf" | "txt"
    encrypted: bool


@dataclass(frozen=True)
class CorpusSummary:
    folder: Path
    letters: int
    pdf: int
    txt: int
    broken: int
    seconds: float


def plan_files(letters: int, seed: int) -> list[DemoFile]:
    return list(iter_files(letters, seed))


def iter_files(letters: int, seed: int) -> Iterator[DemoFile]:
    """The corpus's files in index order: letter, file kind, encryption, from (seed, index)."""
    cfg = tables().dist["files"]
    for i, letter in enumerate(generate_letters(letters, seed)):
        rng = _file_rng(seed, i)
        kind = "pdf" if rng.random() < cfg["pdf_share"] else "txt"
        encrypted = kind == "pdf" and rng.random() < cfg["encrypted_share"]
        name = f"{letter.case_number}.{kind}"
        if letter.layout == "determination_2015" and rng.random() < cfg["no_header_share"]:
            letter = without_header(letter)  # a copy without the page-1 table, like the seed letter
        yield DemoFile(i, letter, name, kind, encrypted)


def without_header(letter: Letter) -> Letter:
    return replace(letter, **dict.fromkeys(HEADER_FIELDS))


def _file_rng(seed: int, index: int) -> random.Random:
    return random.Random(seed * 1_000_003 + index)


def _render(job: tuple[Path, int, list[DemoFile]]) -> int:
    folder, seed, files = job
    for f in files:
        blocks = letter_blocks(f.letter, _file_rng(seed, f.index))
        path = folder / f.file
        if f.kind == "pdf":
            path.write_bytes(pdf_bytes(blocks, encrypt=f.encrypted))
        else:
            path.write_text(blocks_to_text(blocks), encoding="utf-8")
    return len(files)


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def manifest_row(f: DemoFile) -> dict:
    letter = {k: _jsonable(v) for k, v in asdict(f.letter).items() if k != "items"}
    letter["items"] = [asdict(item) for item in f.letter.items]
    letter["case_outcome"] = f.letter.case_outcome
    expected = UNSUPPORTED_LAYOUTS.get(f.letter.layout, "ingested")
    return {
        "file": f.file,
        "kind": f.kind,
        "encrypted": f.encrypted,
        "is_demo": True,
        "expected": expected,
        "letter": letter,
    }


def _prepare(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise FileExistsError(
                f"{folder} is not empty and is not a demo corpus; not touching it"
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)


def write_corpus(
    folder: Path = DEFAULT_DEMO_DIR,
    *,
    letters: int = DEFAULT_LETTERS,
    seed: int = DEFAULT_SEED,
    workers: int = 2,
    broken: bool = True,
) -> CorpusSummary:
    """(Re)write the demo corpus in `folder`; a non-demo, non-empty folder is refused."""
    writer = CorpusWriter(folder, letters=letters, seed=seed, workers=workers, broken=broken)
    for _ in writer.written():
        pass
    assert writer.summary is not None
    return writer.summary


class CorpusWriter:
    """`write_corpus` one step at a time, for a caller that uses each file as soon as it is
    written (the first start ingests them while the rest are drawn). The files, their bytes
    and the manifest are the same however the work is split; the manifest is written last,
    so a folder with a manifest holds a complete corpus."""

    def __init__(
        self,
        folder: Path = DEFAULT_DEMO_DIR,
        *,
        letters: int = DEFAULT_LETTERS,
        seed: int = DEFAULT_SEED,
        workers: int = 2,
        broken: bool = True,
    ) -> None:
        self.folder, self.letters, self.seed = Path(folder), letters, seed
        self.workers, self.broken = workers, broken
        self.summary: CorpusSummary | None = None

    def written(self, wait: float = POLL_SECONDS) -> Iterator[Path | None]:
        """Each file once it is complete (the letters a chunk at a time, then the broken
        ones); `None` when nothing new was written within `wait` seconds."""
        started = time.perf_counter()
        folder = self.folder
        _prepare(folder)
        (folder / MARKER).write_text(
            "Synthetic IMR letters generated by `imr demo`: not real cases.\n", encoding="utf-8"
        )
        files: list[DemoFile] = []
        if self.workers > 1 and self.letters > 200:
            yield from self._render_in_pool(files, wait)
        else:
            files += plan_files(self.letters, self.seed)
            _render((folder, self.seed, files))
            yield from (folder / f.file for f in files)
        rows = [manifest_row(f) for f in files]
        n_broken = 0
        if self.broken:
            source = next(
                (f for f in files if f.kind == "pdf" and f.letter.layout == "determination_2015"),
                None,
            )
            if source is not None:
                extra = write_broken(
                    folder / "broken", source.letter, folder / source.file, _file_rng(self.seed, -1)
                )
                rows += extra
                n_broken = len(extra)
                yield from (folder / row["file"] for row in extra)
        with (folder / MANIFEST).open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        pdf = sum(f.kind == "pdf" for f in files)
        self.summary = CorpusSummary(
            folder, len(files), pdf, len(files) - pdf, n_broken, time.perf_counter() - started
        )

    def _render_in_pool(self, files: list[DemoFile], wait: float) -> Iterator[Path | None]:
        """Letters planned in chunks (the plan draws them in order from one generator) and
        rendered by the pool while the next chunk is planned; `files` receives the plan."""
        folder, seed = self.folder, self.seed
        pool = ProcessPoolExecutor(self.workers, initializer=_init_worker, initargs=(os.getpid(),))
        try:
            running: dict[Future, list[DemoFile]] = {}
            for chunk in _chunks(iter_files(self.letters, seed), CHUNK_LETTERS):
                files += chunk
                running[pool.submit(_render, (folder, seed, chunk))] = chunk
                yield from self._finished(running, 0)
            while running:
                yield from self._finished(running, wait)
        finally:  # also when the reader stops early (Ctrl-C): drop the chunks not started
            pool.shutdown(wait=True, cancel_futures=True)

    def _finished(
        self, running: dict[Future, list[DemoFile]], wait: float
    ) -> Iterator[Path | None]:
        done, _ = futures_wait(running, timeout=wait, return_when=FIRST_COMPLETED)
        if not done:
            yield None  # the reader may do other work meanwhile
        for future in done:
            future.result()  # a rendering error stops the corpus here
            yield from (self.folder / f.file for f in running.pop(future))


def _init_worker(parent_pid: int) -> None:
    """Renderers leave Ctrl-C to the parent, which stops the pool (no traceback per worker),
    and die with it."""
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _chunks(items: Iterator[DemoFile], size: int) -> Iterator[list[DemoFile]]:
    while chunk := list(islice(items, size)):
        yield chunk


def read_manifest(folder: Path) -> list[dict]:
    with (Path(folder) / MANIFEST).open(encoding="utf-8") as rows:
        return [json.loads(line) for line in rows if line.strip()]


def letter_from_manifest(row: dict) -> Letter:
    """The true Letter of a manifest row (inverse of `manifest_row`)."""
    from ingest.model import Item

    data = dict(row["letter"])
    data.pop("case_outcome")
    items = tuple(Item(**item) for item in data.pop("items"))
    for key in (
        "date_assigned",
        "date_of_injury",
        "decision_date",
        "ur_denial_date",
        "application_received",
    ):
        if data[key]:
            data[key] = date.fromisoformat(data[key])
    for key in ("reviewer_certifications", "reviewer_states", "warnings"):
        data[key] = tuple(data[key])
    return Letter(items=items, **data)
