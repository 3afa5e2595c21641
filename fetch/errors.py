"""One error for "the site did not answer as documented": the CLI prints it and exits 3."""

from __future__ import annotations


class FetchError(Exception):
    """What was expected, what came back and from where, in one line a person can act on."""

    def __init__(self, expected: str, got: str, url: str = "") -> None:
        self.expected, self.got, self.url = expected, got, url
        where = f" from {url}" if url else ""
        super().__init__(f"expected {expected}{where}; got {got}")
