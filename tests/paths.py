"""Where the shared test data lives: ../shared beside the project root."""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL_LETTERS = SHARED / "real-letters"
SEED_LETTER = SHARED / "seed-letter.txt"
