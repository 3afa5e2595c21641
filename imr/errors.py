"""The one error printer of the `imr` commands, in its own module so that every command
module (imr/cli.py, imr/fetch_run.py) can use it without importing the CLI itself."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

EXIT_FAILED = 1
EXIT_USAGE = 2

err = Console(stderr=True)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """The one error printer: `Error: <message>` on stderr, then exit with `code`."""
    err.print(f"[red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)
