"""Rate queries: summary, breakdowns, trends and filter options, each one .sql file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import duckdb
import polars as pl

from common.sqlfiles import render
from queries import fulltext, text_parts
from queries.binding import bound, index_of, text_misses
from queries.connection import SQL_DIR
from queries.derived import derived_fresh, part_items
from queries.filters import BOOL_FIELDS, CHOICE_FIELDS, FilterError, Filters
from queries.letter_rows import LETTER_KEYS
from queries.runner import run
from queries.vocab import DIMENSIONS, GRAINS, MIN_N

_STATE_EXPAND = ", unnest(reviewer_states) as reviewer_state"
# With a letter flag the state's place in the list is kept too: a list naming a state twice
# must still count the letter once for it (as count(distinct letter_no) does).
_STATE_EXPAND_AT = _STATE_EXPAND + ", unnest(range(1, len(reviewer_states) + 1)) as state_at"
_STATE_FIRST = " and list_position(reviewer_states, reviewer_state) = state_at"
# Fields of the letter: all of a letter's items share them. Every other filter or grouping
# field (service category, drug class, guideline sources, ...) belongs to the item.
# Grouping fields that are the letter's own (queries/letter_rows.py), and the period.
LETTER_FIELDS = LETTER_KEYS | {"period"}
# Under a text whose other filters select whole parts, letters are counted at one matching row
# per part (text_parts.py) unless the text is in more than this share of the rows: then from
# the few numbers it misses (summary_misses.sql, misses_counts.sql). At 3.3 M decisions the
# marked rows cost less CPU up to a word in 95 % of rows ("record", 163 k misses) and 1.3-2x
# more at 98 % ("documentation", 60 k misses): bench/RESULTS.md, stop 22.
LETTERS_MISSES_SHARE = 0.96
_PARTS = "$text_parts::bit"  # a number past the bits reads the last, unset one
TEXT_FLAG = f"get_bit({_PARTS}, least(decision_no, bit_length({_PARTS}) - 1)::integer) = 1"


def _check_dimension(name: str, what: str = "dimension") -> str:
    if name not in DIMENSIONS:
        raise FilterError(f"Unknown {what} {name!r}; known: {', '.join(DIMENSIONS)}")
    return name


def letter_flag(con: duckdb.DuckDBPyConnection, f: Filters, groups: tuple[str, ...]) -> str | None:
    """The decision_facts flag that marks exactly one row per letter and group, or None.

    When every filter and grouping field is a letter field, a letter's rows pass or fail
    together and share their groups: its first item (`letter_first`) stands for it. When the
    only item field is the service category (grouped, or filtered to one value), its first
    item of that category (`category_first`) does; the same for the partly-authorised flag
    (`partly_first`: a bool filter is always one value). Counting flagged rows replaces
    count(distinct letter_no), which groups 3 M rows per letter (~1 s at full scale).
    """
    if f.text or not derived_fresh(con):
        return None
    used = {n for n in CHOICE_FIELDS if getattr(f, n)} | {
        n for n in BOOL_FIELDS if getattr(f, n) is not None
    }
    item_fields = (used | set(groups)) - LETTER_FIELDS
    if not item_fields:
        return "letter_first"
    one_category = "service_category" in groups or len(f.service_category) == 1
    if item_fields == {"service_category"} and one_category:
        return "category_first"
    if item_fields == {"partly_authorized"}:  # grouped, or filtered to its one value
        return "partly_first"
    return None


def _letters(wanted: bool, flag: str | None = None, state: bool = False) -> str:
    if not wanted:
        return "null::bigint"
    if flag is None:
        return "count(distinct letter_no)"
    return f"count(*) filter (where {flag}{_STATE_FIRST if state else ''})"


def _expand_for(dims: tuple[str, ...], flag: str | None, letters: bool) -> str:
    if "reviewer_state" not in dims:
        return ""
    return _STATE_EXPAND_AT if flag and letters else _STATE_EXPAND


def text_part(con: duckdb.DuckDBPyConnection, f: Filters, groups: tuple[str, ...]) -> str | None:
    """Under a text: the flag of the parts the other filters select whole (`letter_flag`), or
    the one item field grouped by when they select whole letters, when the index can mark one
    matching row of each part or (letter, value) (`text_parts.part_bits`); else None."""
    if not f.text or not derived_fresh(con) or index_of(con) is None:
        return None
    others = f.replace(text=None)
    flag = letter_flag(con, others, groups)
    if flag in text_parts.PART_OF_FLAG:
        return flag
    if len(groups) == 1 and groups[0] in text_parts.ITEM_FIELDS:
        return groups[0] if letter_flag(con, others, ()) == "letter_first" else None
    return None


def _marked(
    con: duckdb.DuckDBPyConnection, f: Filters, part: str | None
) -> dict[str, object] | None:
    """The parameter TEXT_FLAG reads (one matching row of each `part` marked), or None."""
    index = index_of(con) if part else None
    bits = text_parts.part_bits(con, index, f.text, part) if part and index else None
    return None if bits is None else {"text_parts": bits}


def summary(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    flag = letter_flag(con, f, ())
    if flag is None and f.text:
        part = text_part(con, f, ())
        above = LETTERS_MISSES_SHARE if part else fulltext.MISSES_SHARE
        if (out := _summary_misses(con, f, above)) is not None:
            return out
        if (marked := _marked(con, f, part)) is not None:  # letters at marked matching rows
            with bound(con, f) as (where, params):
                return run(con, "summary_flagged", {**params, **marked}, where=where,
                           flag=TEXT_FLAG)  # fmt: skip
    with bound(con, f) as (where, params):
        if flag:
            return run(con, "summary_flagged", params, where=where, flag=flag)
        lo, hi = run(con, "letter_span", {}).row(0) if f.text else (None, None)
        if lo is not None:  # letters as bits, not a grouping of the matching rows
            return run(con, "summary_bits", params, where=where, span=f"{int(lo)}, {int(hi)}")
        return run(con, "summary", params, where=where)


def _summary_misses(
    con: duckdb.DuckDBPyConnection, f: Filters, above: float
) -> pl.DataFrame | None:
    """summary_misses.sql: a text in most rows on top of filters that select whole letters
    (or one whole part of each), counted without regrouping ~3 M rows per letter; else None."""
    others = f.replace(text=None)
    flag = letter_flag(con, others, ())
    if flag is None:
        return None
    with text_misses(con, f, above=above) as misses:
        if misses is None:
            return None
        with bound(con, others) as (where, params):
            return run(con, "summary_misses", params, where=where, flag=flag, misses=misses,
                       part_items=part_items(flag))  # fmt: skip


def overturn_rate_by(
    con: duckdb.DuckDBPyConnection,
    dimension: str,
    f: Filters,
    *,
    by: str | None = None,
    min_n: int = MIN_N,
    letters: bool = True,
) -> pl.DataFrame:
    """Rate per value of `dimension` (per `by` x `dimension` for a two-way table).

    `letters=False` leaves the distinct-letter count NULL: charts of decisions skip its cost.
    """
    dims = [_check_dimension(dimension)]
    if by is not None:
        dims.append(_check_dimension(by, "by-dimension"))
        if by == dimension:
            raise FilterError(f"by {by!r} must differ from the dimension")
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 0:
        raise FilterError(f"min_n must be a non-negative integer, got {min_n!r}")
    groups = ", ".join(dims)
    partition = "small" + (f", {by}" if by else "")
    order = (f"{by}, " if by else "") + f"decisions desc, {dimension}"
    with _counted(con, f, tuple(dims), letters) as (where, params, counts):
        return run(
            con, "rate_by", {**params, "min_n": min_n},
            where=where, groups=groups, partition=partition, order=order, counts=counts,
        )  # fmt: skip


@contextmanager
def _counted(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    dims: tuple[str, ...],
    letters: bool,
    groups: tuple[str, ...] | None = None,
) -> Iterator[tuple[str, dict[str, object], str]]:
    """(WHERE, params, counts step) for rate_by.sql / trend.sql over `filtered`, grouped by
    `groups` (default `dims`; trend counts per decision date, a letter field finer than its
    period `dims` name).

    A text with letters wanted on decision_facts, under other filters that select whole
    parts: letters are counted at one marked matching row per part (TEXT_FLAG), unless the
    text is in more than LETTERS_MISSES_SHARE of the rows (MISSES_SHARE under other filters):
    then `filtered` holds the other filters only, and misses_counts.sql takes the missed rows'
    share off their counts (which take the flagged path where it applies). Either way no
    count(distinct) over ~3 M rows. Otherwise the filters bind as they are.
    """
    groups = groups or dims
    if letters and f.text and derived_fresh(con):
        part = text_part(con, f, dims)
        above = LETTERS_MISSES_SHARE if part else fulltext.MISSES_SHARE
        with text_misses(con, f, above=above) as misses:
            if misses is not None:
                others = f.replace(text=None)
                flag = letter_flag(con, others, dims)
                with bound(con, others) as (where, params):
                    yield where, params, _misses_counts(con, groups, flag, misses)
                return
        if (marked := _marked(con, f, part)) is not None:
            with bound(con, f) as (where, params):
                yield where, {**params, **marked}, _counts(con, groups, True, TEXT_FLAG)
            return
    flag = letter_flag(con, f, dims) if letters else None
    with bound(con, f) as (where, params):
        yield where, params, _counts(con, groups, letters, flag)


def _misses_counts(
    con: duckdb.DuckDBPyConnection, groups: tuple[str, ...], flag: str | None, misses: str
) -> str:
    missed = f"decision_no in (select rowid from {misses})"
    if flag is None:  # every row of the letters with a missed row
        touched = f"letter_no in (select letter_no from filtered where {missed})"
        gone = "bool_and(missed)"
    else:  # the missed rows, against their part's item count
        touched = missed
        gone = f"count(distinct decision_no) = any_value({part_items(flag)})"
    return render(
        SQL_DIR, "misses_counts", groups=", ".join(groups), misses=misses,
        base=_counts(con, groups, True, flag), touched=touched, gone=gone,
        expand=_STATE_EXPAND if "reviewer_state" in groups else "",
        lost_letters="-count(*) filter (where gone)",
    )  # fmt: skip


def _counts(
    con: duckdb.DuckDBPyConnection, dims: tuple[str, ...], letters: bool, flag: str | None
) -> str:
    """rate_by's counting step: per state list first when grouping by state on
    decision_facts (unless letters need the distinct count), else one pass over the rows."""
    groups = ", ".join(dims)
    if "reviewer_state" in dims and (flag or not letters) and derived_fresh(con):
        other = "".join(f"{d}, " for d in dims if d != "reviewer_state")
        return render(
            SQL_DIR, "rate_by_state_counts", groups=groups, other_groups=other,
            letters=_letters(letters, flag),
            set_letters="sum(letters) filter (where state_first)::bigint" if letters
            else "null::bigint",
        )  # fmt: skip
    counted = _letters(letters, flag, "reviewer_state" in dims)
    if letters and flag is None and len(dims) == 1 and dims[0] in DIMENSIONS:
        counted = _letter_bits(con) or counted  # not per decision date: ~4,400 bitstrings
    return render(
        SQL_DIR, "rate_by_counts", groups=groups, expand=_expand_for(dims, flag, letters),
        letters=counted,
    )  # fmt: skip


def _letter_bits(con: duckdb.DuckDBPyConnection) -> str | None:
    """count(distinct letter_no) as a popcount of one bit per letter number: letter numbers
    are the letters' dense row ids, so a group's letters set bits in a bitstring of ~1.7 M bits
    (~210 KB a group) instead of filling a hash set per group (2-4x the CPU at full scale).
    One dimension only: its groups are few (a two-way table or a date's groups would need
    thousands of bitstrings). None on an empty database."""
    lo, hi = run(con, "letter_span", {}).row(0)
    if lo is None:
        return None
    return f"bit_count(bitstring_agg(letter_no, {int(lo)}, {int(hi)}))::bigint"


def data_span(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    row = run(con, "data_span", {}).row(0)
    return row[0], row[1]


def trend(
    con: duckdb.DuckDBPyConnection,
    grain: str,
    f: Filters,
    *,
    by: str | None = None,
    letters: bool = True,
) -> pl.DataFrame:
    """Rate per period; `partial` marks periods the data (and the date filter) cover in part.

    `letters=False` leaves the distinct-letter count NULL (see `overturn_rate_by`).
    """
    if grain not in GRAINS:
        raise FilterError(f"Unknown grain {grain!r}; known: {', '.join(GRAINS)}")
    if by is not None:
        _check_dimension(by, "by-dimension")
    first, last = data_span(con)
    if f.date_from and (first is None or f.date_from > first):
        first = f.date_from
    if f.date_to and (last is None or f.date_to < last):
        last = f.date_to
    dims = ("period", by) if by else ("period",)
    by_date = ("decision_date", by) if by else ("decision_date",)
    with _counted(con, f, dims, letters, by_date) as (where, params, counts):
        return run(
            con, "trend", {**params, "span_first": first, "span_last": last},
            where=where, grain=grain, by_col=f", {by}" if by else "", counts=counts,
        )  # fmt: skip


def filter_options(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Distinct values per categorical filter field (fixed vocabularies are in queries.vocab)."""
    cached = derived_fresh(con)  # a table written after each ingest; else one full scan
    row = run(con, "filter_values" if cached else "filter_options", {}).to_dicts()[0]
    return {key: [v for v in (values or []) if v is not None] for key, values in row.items()}
