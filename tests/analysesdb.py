"""The query-test database (tests/querydb.py) with what the analyses need on top: header dates
(some missing, a few misread into negative spans) and letters whose items share an outcome
(a lenient or strict reviewer), so the letter-clustered design effect is well above 1.

Also the independent reference computations the analyses tests share: polars on raw rows,
scipy / statsmodels for intervals. Nothing here imports the analyses' modules.
"""

from __future__ import annotations

import importlib
import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from polars.testing import assert_frame_equal
from scipy.stats import binomtest
from statsmodels.regression.linear_model import OLS  # not statsmodels.api: ~0.25 s less
from statsmodels.stats.proportion import proportion_confint

import queries as q
from queries import case_level, clustered, fulltext
from queries.binding import index_of
from queries.derived import refresh_derived
from tests.dbcache import once_per_run
from tests.keptdb import plain
from tests.querydb import SCHEMA, expected_items, insert, make_rows


def make_analysis_rows(n_letters: int = 500, seed: int = 11) -> tuple[list, list]:
    letters, items = make_rows(n_letters, seed)
    rng = random.Random(seed)
    by_letter: dict[str, list[dict]] = {}
    for item in items:
        by_letter.setdefault(item["letter_id"], []).append(item)
    for letter in letters:
        decided = letter["decision_date"]
        if decided and rng.random() > 0.1:
            letter["date_assigned"] = decided - timedelta(days=rng.randint(12, 48))
        if rng.random() > 0.08:
            received = (decided or date(2016, 1, 1)) - timedelta(days=rng.randint(30, 70))
            letter["application_received"] = received
            letter["ur_denial_date"] = received - timedelta(days=rng.randint(-3, 40))
        mood = rng.random()  # a lenient or strict reviewer moves every item of the letter
        own = by_letter[letter["letter_id"]]
        if mood < 0.12 or mood > 0.8:
            for item in own:
                over = rng.random() < (0.7 if mood < 0.12 else 0.02)
                item.update(overturned=over, outcome="Overturned" if over else "Upheld")
        outcomes = [i["overturned"] for i in own]
        letter["case_outcome"] = ("Upheld" if not any(outcomes) else "Overturned"
                                  if all(outcomes) else "Partially Overturned")  # fmt: skip
    return letters, items


@once_per_run
def build_analyses_db(path: Path, *, derived: bool = True) -> Path:
    with duckdb.connect(str(path)) as con:
        con.sql(SCHEMA.read_text("utf-8"))
        insert(con, *make_analysis_rows())
        if derived:
            refresh_derived(con)
    return path


def letters_raw(path: Path) -> pl.DataFrame:
    with plain(path) as con:
        return con.sql("select * exclude (raw_text) from letters").pl()


def raw(path: Path) -> pl.DataFrame:
    """expected_items plus the guideline agreement label, computed in polars."""
    return expected_items(path).with_columns(
        pl.when(pl.col("imr_guideline_source") == "None cited")
        .then(pl.lit("Reviewer cited none"))
        .when(pl.col("ca_guideline_source") == pl.col("imr_guideline_source"))
        .then(pl.lit("Same source"))
        .otherwise(pl.lit("Different source"))
        .alias("guideline_agreement")
    )


def period(grain: str) -> pl.Expr:
    every = {"month": "1mo", "quarter": "1q", "year": "1y"}[grain]
    return pl.col("decision_date").dt.truncate(every).alias("period")


def expand_states(df: pl.DataFrame) -> pl.DataFrame:
    return df.explode("reviewer_states").rename({"reviewer_states": "reviewer_state"})


def statsmodels_cluster(y: list[float], letters: list[str]) -> tuple[float, float]:
    """(rate, cluster-robust variance) of an intercept-only OLS, letters as clusters."""
    codes = {v: i for i, v in enumerate(dict.fromkeys(letters))}
    groups = np.array([codes[v] for v in letters])
    fit = OLS(np.asarray(y, float), np.ones((len(y), 1))).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )
    return float(fit.params[0]), float(fit.cov_params()[0, 0])


def clustered_reference(df: pl.DataFrame) -> dict[str, float | None]:
    """Rate, design effect and clustered Wilson interval of rows (overturned, letter_id)."""
    y = df["overturned"].cast(pl.Float64).to_list()
    ids = df["letter_id"].to_list()
    n, k = len(y), sum(y)
    p = k / n
    if len(set(ids)) < 2:
        return {"rate": p, "deff": None, "n_eff": float(n)}
    _, var = statsmodels_cluster(y, ids)
    deff = var / (p * (1 - p) / n) if 0 < p < 1 else None
    n_eff = n / max(1.0, deff or 1.0)
    low, high = proportion_confint(p * n_eff, n_eff, method="wilson")
    return {"rate": p, "var": var, "deff": deff, "n_eff": n_eff, "low": low, "high": high}


def isclose(a: float | None, b: float | None, tol: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


WORD = r"(?i)\bzolpidem\b"
# Filters -> the same selection as a polars expression on raw rows (a few combinations).
FILTER_CASES = {
    "none": ({}, pl.lit(True)),
    "categories": ({"service_category": ("Pharmaceuticals", "Surgery")},
                   pl.col("service_category").is_in(["Pharmaceuticals", "Surgery"])),
    "state_and_date": ({"reviewer_state": ("Texas",), "date_from": date(2015, 9, 1)},
                       pl.col("reviewer_states").list.contains("Texas")
                       & (pl.col("decision_date") >= date(2015, 9, 1))),
    "text_and_sex": ({"text": "zolpidem", "patient_sex": ("female", "unknown")},
                     (pl.col("service").str.contains(WORD)
                      | pl.col("rationale").fill_null("").str.contains(WORD))
                     & pl.col("patient_sex").is_in(["female", "unknown"])),
}  # fmt: skip


def wilson(k: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson interval, by scipy (the independent side of the SQL macros)."""
    ci = binomtest(k, n).proportion_ci(method="wilson")
    return ci.low, ci.high


@contextmanager
def refused(*_args: object, **_kwargs: object) -> Iterator[None]:
    """A shortcut's context manager that never answers (missed_rows.missed, text_counts.counted
    refused: the general path)."""
    yield None


def assert_fast_paths_equal_the_general_path(db: Path, calls, monkeypatch) -> None:
    """Each call twice on one connection: as written (letter parts / first rows / the rows a
    text in most rows misses / the parts' counts under a text, where the filters allow), then
    with every shortcut refused; the frames must agree exactly."""
    timeliness = importlib.import_module("queries.timeliness")  # the package re-exports it
    standardised = importlib.import_module("queries.standardised")
    group_trend = importlib.import_module("queries.group_trend")
    con = q.open_db(db)
    try:
        fast = [call(con) for call in calls]
        monkeypatch.setattr(clustered, "letter_part", lambda *a, **k: None)
        monkeypatch.setattr(group_trend, "pooled_parts", lambda *a, **k: None)
        for module in (case_level, timeliness):
            monkeypatch.setattr(module, "first_row", lambda *a, **k: None)
        for module in (clustered, standardised):
            monkeypatch.setattr(module, "missed", refused)
        for module in (clustered, group_trend, case_level, timeliness):  # nor the text's counts
            monkeypatch.setattr(module, "counted", refused)
        for module in (case_level, timeliness):
            monkeypatch.setattr(module, "matched", lambda *a, **k: None)
        slow = [call(con) for call in calls]
    finally:
        con.close()
    for a, b in zip(fast, slow, strict=True):
        assert a.height > 0
        assert_frame_equal(a, b, check_exact=False, rel_tol=1e-12)


@once_per_run
def build_with_repeated_states(path: Path) -> Path:
    """The analyses rows in a database with fresh derived tables, every 7th letter naming its
    first state twice (a state list may repeat a state: counts go once per listing)."""
    letters, items = make_analysis_rows()
    for letter in letters[::7]:
        letter["reviewer_states"] = [*letter["reviewer_states"], *letter["reviewer_states"][:1]]
    with duckdb.connect(str(path)) as con:
        con.sql(SCHEMA.read_text("utf-8"))
        insert(con, letters, items)
        refresh_derived(con)
    return path


def indexed_with_repeated_states(path: Path) -> Path:
    """build_with_repeated_states with its search index: the text paths' test database."""
    build_with_repeated_states(path)
    q.build_search_index(path)
    return path


def rows_matching(db: Path, word: str) -> pl.DataFrame:
    """The raw rows the index matches for `word` (the text's meaning is the index's), checked
    to be most of the rows with many missed, so the text takes the misses paths."""
    with q.open_db(db) as con:
        keys = fulltext.keys(index_of(con), word).column("rowid").to_pylist()
        numbers = con.sql("select letter_id, item_no, decision_no from decisions").pl()
    rows = raw(db).join(numbers, on=["letter_id", "item_no"])
    assert 0.5 * rows.height < len(keys) < 0.9 * rows.height  # most rows, many missed
    return rows.filter(pl.col("decision_no").is_in(keys))
