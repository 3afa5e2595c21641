"""The one SQL loader: `.sql` files kept as SQL, with `{slot}` placeholders filled by code.

Slots carry code-made fragments (a WHERE built from bound parameters, a column list from an
allow-list), never user values. A slot left unfilled is a bug, so `render` refuses it instead
of sending `{where}` to DuckDB.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SLOT = re.compile(r"\{([a-z_]+)\}")


class UnfilledSlot(KeyError):
    """A `{slot}` in a .sql file that the caller did not fill."""


@cache
def load_sql(folder: Path, name: str) -> str:
    return (folder / f"{name}.sql").read_text("utf-8")


def slots(text: str) -> set[str]:
    return set(SLOT.findall(text))


def fill(text: str, **fragments: str) -> str:
    """`text` with every `{slot}` replaced; an unknown or missing slot raises."""
    unknown = set(fragments) - slots(text)
    if unknown:
        raise UnfilledSlot(f"no slot(s) {sorted(unknown)} in this SQL")
    for key, value in fragments.items():
        text = text.replace("{" + key + "}", value)
    missing = slots(text) - set(fragments)
    if missing:
        raise UnfilledSlot(f"unfilled slot(s) {sorted(missing)}")
    return text


def render(folder: Path, name: str, **fragments: str) -> str:
    return fill(load_sql(folder, name), **fragments)
