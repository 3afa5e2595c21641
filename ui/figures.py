"""The few figures pages show that are not a query's own columns, derived here so that pages
stay thin (no arithmetic in ui/pages/): pure functions of query results, unit-tested.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from queries.vocab import MIN_N

Row = Mapping[str, object]
SMALL_SELECTION = 10 * MIN_N  # below this many decisions most breakdown groups are small


def is_small_selection(decisions: int) -> bool:
    """Whether a page should say once, at the top, that its groups are small."""
    return 0 < decisions < SMALL_SELECTION


def demo_share(s: Row) -> float | None:
    """Share of the summary's letters that are synthetic (None when there are no letters)."""
    letters, demo = int(s["letters"] or 0), int(s["demo_letters"] or 0)
    return demo / letters if letters else None


def real_letters(s: Row) -> int:
    return int(s["letters"] or 0) - int(s["demo_letters"] or 0)


def letters_of_both(rows: Iterable[Row]) -> dict[str, int]:
    """Letters and demo letters of several summaries added up (for one demo banner)."""
    rows = list(rows)
    return {
        "letters": sum(int(r["letters"] or 0) for r in rows),
        "demo_letters": sum(int(r["demo_letters"] or 0) for r in rows),
    }


def groups_frame(rows: Iterable[Row], names: Iterable[str]) -> pl.DataFrame:
    """Summaries as one rate-bar frame, a bar per named group (none is `small`)."""
    columns = ("decisions", "overturned", "rate", "ci_low", "ci_high")
    return pl.DataFrame(
        [
            {**{k: r[k] for k in columns}, "group": g, "small": False}
            for g, r in zip(names, rows, strict=True)
        ]
    )


def older_parser_letters(versions: pl.DataFrame, current: str) -> int:
    """Letters parsed by a parser version other than `current` (re-parsed by the next ingest)."""
    return int(versions.filter(pl.col("parser_version") != current)["letters"].sum())


def quarantine_reasons(quarantined: pl.DataFrame) -> pl.DataFrame:
    """Files per quarantine reason, commonest first."""
    return quarantined.group_by("reason").len("files").sort("files", descending=True)


def as_percent(df: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """Share columns scaled to percent, for a table column formatted `format.PERCENT_COLUMN`."""
    return df.with_columns(pl.col(*columns) * 100)


def page_count(total: int, size: int) -> int:
    """Pages of `size` rows needed for `total` rows (at least one, even when empty)."""
    return max(1, -(-total // size))


def page_offset(page: int, size: int) -> int:
    """Rows before 1-based `page`."""
    return (page - 1) * size
