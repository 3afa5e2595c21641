"""Row queries: the paged decisions table, one letter, ranked search, the quarantine list."""

from __future__ import annotations

import duckdb
import polars as pl

from queries import fulltext
from queries.binding import bound, index_of, registered, text_misses
from queries.derived import FACTS, items_sql
from queries.filters import FilterError, Filters
from queries.runner import run
from queries.statesets import integer_state_filter
from queries.vocab import SORT_COLUMNS

MAX_PAGE = 10_000
SHALLOW = 5_000  # pages before this offset keep the state-list filter (top-N stops early)
_SEARCH_COLUMNS = ["letter_id", "case_number", "item_no", "service", "outcome", "decision_date"]


def _check_page(limit: object, offset: object) -> None:
    for name, value in (("limit", limit), ("offset", offset)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise FilterError(f"{name} must be a non-negative integer, got {value!r}")
    if limit > MAX_PAGE:
        raise FilterError(f"limit {limit} is above the maximum page size {MAX_PAGE}")


def decisions(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    *,
    sort: str = "decision_date",
    descending: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> pl.DataFrame:
    """One page of matching decisions. On decision_facts the top-N sorts only keys and row ids
    and then reads the page's rows (offset 100 k: the top-N no longer carries 100 k whole
    rows); on the join fallback one query does both."""
    if sort not in SORT_COLUMNS:
        raise FilterError(f"Unknown sort column {sort!r}; known: {', '.join(SORT_COLUMNS)}")
    _check_page(limit, offset)
    direction = "desc" if descending else "asc"
    page = {"limit": limit, "offset": offset}
    scan = bool(f.text) and index_of(con) is None  # the text as an ILIKE of the rationale
    facts = items_sql(con, needs_rationale=scan) == FACTS
    if facts and sort == "decision_date" and offset >= SHALLOW:
        rows = _date_window(con, f, direction, limit, offset)
    elif facts and f.text and (found := _keys_less_misses(con, f, sort, direction, page)):
        rows = found[0]
    else:
        with bound(con, f) as (where, params):
            if items_sql(con, needs_rationale="rationale" in where) != FACTS:  # the runner's
                return run(con, "decisions", {**params, **page}, where=where, sort=sort,
                           direction=direction)  # fmt: skip
            if offset >= SHALLOW:  # a near page stops early on the date-sorted table; a join
                where = integer_state_filter(where)  # in between would stop it stopping early
            keys = run(con, "decision_keys", {**params, **page}, sort=sort, direction=direction,
                       where=where)  # fmt: skip
        rows = keys["fact_row"].to_list()
    listed = ", ".join(str(int(r)) for r in rows)
    return run(con, "decision_page", {}, rows=f"rowid in ({listed})" if listed else "false",
               sort=sort, direction=direction)  # fmt: skip


def _keys_less_misses(
    con: duckdb.DuckDBPyConnection, f: Filters, sort: str, direction: str, page: dict[str, int]
) -> tuple[list[int]] | None:
    """A page's row ids under a text in most rows (None otherwise): the other filters' first
    rows in order, less the ones the text misses, asking for twice as many until the page is
    whole. The top-N then skips row groups as without text (the anti-join read them all)."""
    want = page["offset"] + page["limit"]
    with text_misses(con, f) as misses:
        if misses is None:
            return None
        with bound(con, f.replace(text=None)) as (where, params):
            n = want + want // 16 + 16
            while True:
                top = run(con, "decision_keys_misses", {**params, "n": n}, where=where,
                          sort=sort, direction=direction, misses=misses)  # fmt: skip
                kept = top.filter(~pl.col("missed"))["fact_row"]
                if kept.len() >= want or top.height < n:
                    return (kept.slice(page["offset"], page["limit"]).to_list(),)
                n *= 2


def _date_window(
    con: duckdb.DuckDBPyConnection, f: Filters, direction: str, limit: int, offset: int
) -> list[int]:
    """A deep page's row ids by date: the matching decisions per date (~4 k dates) say which
    dates rows offset..offset + limit fall on, and only those dates' rows are sorted (a
    top-N of offset + limit keys over every row took most of a deep page)."""
    counts = _date_counts(con, f).sort("decision_date", descending=direction == "desc",
                                       nulls_last=True)  # fmt: skip
    counts = counts.with_columns(end=pl.col("n").cum_sum()).with_columns(
        start=pl.col("end") - pl.col("n")
    )
    inside = counts.filter((pl.col("end") > offset) & (pl.col("start") < offset + limit))
    if not inside.height:
        return []
    dates = inside["decision_date"].drop_nulls()
    window, bounds = [], {}
    if dates.len():
        window.append("decision_date between $window_lo and $window_hi")
        bounds = {"window_lo": dates.min(), "window_hi": dates.max()}
    if inside["decision_date"].null_count():
        window.append("decision_date is null")
    page = {"limit": limit, "offset": offset - int(inside["start"][0]), **bounds}
    with bound(con, f) as (where, params):
        keys = run(
            con, "decision_keys", {**params, **page}, sort="decision_date", direction=direction,
            where=f"({integer_state_filter(where)}) and ({' or '.join(window)})",
        )  # fmt: skip
    return keys["fact_row"].to_list()


def _date_counts(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """Matching decisions per decision date; for a text in most rows, the other filters'
    counts less those of the rows it misses (a semi-join of ~2 % of the rows, not an
    anti-join of all)."""
    with text_misses(con, f) as misses:
        if misses is None:
            with bound(con, f) as (where, params):
                return run(con, "decision_date_counts", params, where=where)
        with bound(con, f.replace(text=None)) as (where, params):
            every = run(con, "decision_date_counts", params, where=where)
            missed = f"({where}) and decision_no in (select rowid from {misses})"
            gone = run(con, "decision_date_counts", params, where=missed)
    both = every.join(gone, on="decision_date", how="left", nulls_equal=True, suffix="_gone")
    return both.select("decision_date", pl.col("n") - pl.col("n_gone").fill_null(0))


def decision_count(con: duckdb.DuckDBPyConnection, f: Filters) -> int:
    with bound(con, f) as (where, params):
        return int(run(con, "decision_count", params, where=where).item())


def letter(
    con: duckdb.DuckDBPyConnection, letter_id_or_case_number: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the letter's row, its items by item_no); both empty when no letter matches."""
    key = {"key": str(letter_id_or_case_number)}
    found = run(con, "letter_by_id", key)
    if not found.height:  # an OR of both columns would decompress every letter's raw text
        found = run(con, "letter", key)
    letter_id = found["letter_id"][0] if found.height else None
    items = run(con, "letter_items", {"letter_id": letter_id})
    return found, items


def quarantined(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return run(con, "quarantined", {})


def parser_versions(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return run(con, "parser_versions", {})


def search(
    con: duckdb.DuckDBPyConnection, text: str, f: Filters, *, limit: int = 50, offset: int = 0
) -> pl.DataFrame:
    """Decisions matching `text` and `f`, best bm25 first, with a snippet (matches in **)."""
    _check_page(limit, offset)
    index = index_of(con)
    if index is None:  # no index (e.g. in-memory database): unranked ILIKE scan, no snippet
        scan = f.replace(text=" ".join(t for t in (f.text, text) if t))
        page = decisions(con, scan, limit=limit, offset=offset)
        return page.select(_SEARCH_COLUMNS[:6]).with_columns(
            score=pl.lit(None, pl.Float64), snippet=pl.lit("", pl.String)
        )
    paging = {"limit": limit, "offset": offset}
    alone = fulltext.stored_hits(index, text) if f.is_empty else None
    if alone is not None:  # every hit a stored decision: the page is a slice of the hits
        numbers, scores = fulltext.best(index, text, offset, limit)
        page = _page_rows(con, numbers.tolist())
        if scores is not None:  # best first, ties by number: search.sql's order
            score_of = dict(zip(numbers.tolist(), scores.tolist(), strict=True))
            page = page.with_columns(
                score=pl.Series([score_of[r] for r in page["rowid"]], dtype=pl.Float64)
            ).sort(["score", "rowid"], descending=[True, False], nulls_last=True)
    elif not fulltext.ranked(index, text):  # storage order: the text is one more filter
        with bound(con, f.replace(text=" ".join(t for t in (f.text, text) if t))) as (w, p):
            page = run(con, "search_unranked", {**p, **paging}, where=w)
    else:
        with registered(con, fulltext.match(index, text)) as hits, bound(con, f) as (w, p):
            page = run(con, "search", {**p, **paging}, where=w, hits=hits)
    found = fulltext.snippets(con, text, page["rowid"].to_list())
    snippet = pl.Series("snippet", [found.get(r, "") for r in page["rowid"]], dtype=pl.String)
    return page.with_columns(snippet).drop("rowid")


def _page_rows(con: duckdb.DuckDBPyConnection, numbers: list[int]) -> pl.DataFrame:
    """search.sql's columns for the decisions numbered `numbers` (a page), by number: two
    IN-list reads (decisions, then their letters) instead of a join with the whole table."""
    found = {f"n_{i}": int(n) for i, n in enumerate(numbers)} or {"n_0": -1}
    items = run(con, "search_page_items", found, marks=", ".join(f"${k}" for k in found))
    ids = {f"l_{i}": v for i, v in enumerate(dict.fromkeys(items["letter_id"]))} or {"l_0": ""}
    letters = run(con, "search_page_letters", ids, marks=", ".join(f"${k}" for k in ids))
    return (
        items.join(letters, on="letter_id", how="left")
        .select(*_SEARCH_COLUMNS, pl.lit(None, pl.Float64).alias("score"), "rowid")
        .sort("rowid")
    )


def search_count(con: duckdb.DuckDBPyConnection, text: str, f: Filters) -> int:
    """Decisions matching `f` and `text`: the text joins the filter's own (words are ANDed either
    way), so the count takes the text filter's path (a word in most rows: its few misses);
    without other filters, on an index of stored decisions only, it is the number of hits."""
    index = index_of(con) if f.is_empty else None
    alone = fulltext.stored_hits(index, text) if index else None
    if alone is not None:
        return len(alone)
    return decision_count(con, f.replace(text=" ".join(t for t in (f.text, text) if t)))
