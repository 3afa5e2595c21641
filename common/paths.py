"""Where things live by default: one definition for the CLI, the app and the tests."""

from pathlib import Path

DEFAULT_DB = Path("data/imr.duckdb")
