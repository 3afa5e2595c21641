"""One-line takeaways above charts, computed from the same DataFrames the charts draw.

Pure functions (no Streamlit) so the sentences are unit-tested: a takeaway that misreads its
chart would be worse than none.
"""

from __future__ import annotations

import polars as pl

from queries.fdr import FDR, bh_adjust
from queries.stats import newcombe_diff, two_by_two_p
from queries.vocab import MIN_N
from ui import format as fmt


def _trend_periods(df: pl.DataFrame, min_n: int) -> pl.DataFrame:
    full = df.filter(~pl.col("partial")) if "partial" in df.columns else df
    return full.filter(pl.col("decisions") >= min_n).sort("period")


def has_trend(df: pl.DataFrame, *, min_n: int = MIN_N) -> bool:
    """Whether there are two complete periods to compare: the chart draws a line only then,
    so "too few periods" and a drawn trend never appear together."""
    return _trend_periods(df, min_n).height >= 2


def trend(df: pl.DataFrame, grain: str = "quarter", *, min_n: int = MIN_N) -> str:
    """First vs last complete period with at least `min_n` decisions, and whether the change
    is more than noise (Newcombe's interval for the difference excludes zero)."""
    full = _trend_periods(df, min_n)
    if full.height < 2:
        return (
            f"Too few complete periods with at least {min_n} decisions to show a trend; "
            "the chart shows each period's rate and interval, without a line."
        )
    a, b = full.row(0, named=True), full.row(-1, named=True)
    pa, pb = fmt.period(a["period"], grain), fmt.period(b["period"], grain)
    same = fmt.pct(a["rate"]) == fmt.pct(b["rate"])  # "rose from 10.9 % to 10.9 %" reads wrong
    word = "held" if same else "rose" if b["rate"] > a["rate"] else "fell"
    low, high = newcombe_diff(b["overturned"], b["decisions"], a["overturned"], a["decisions"])
    noise = "beyond" if low > 0 or high < 0 else "within"
    return (
        f"The overturn rate {word} from {fmt.pct(a['rate'])} ({pa}, "
        f"n = {a['decisions']:,} decisions) to {fmt.pct(b['rate'])} ({pb}, "
        f"n = {b['decisions']:,}), a change {noise} statistical noise; "
        "shaded band = 95 % interval."
    )


def bars(df: pl.DataFrame, label: str) -> str:
    """Highest and lowest ranked group; small groups are not ranked, so never named here."""
    ranked = df.filter(~pl.col("small")).sort("rate", descending=True)
    small = df.height - ranked.height
    tail = f" {small} group(s) below the minimum n are greyed and not ranked." if small else ""
    if ranked.height == 0:
        return f"All {small} groups are below the minimum n: greyed, none ranked."
    hi = ranked.row(0, named=True)
    text = f"Highest overturn rate: {hi[label]} at {fmt.pct(hi['rate'])} of {hi['decisions']:,}"
    if ranked.height > 1:
        lo = ranked.row(-1, named=True)
        text += f"; lowest: {lo[label]} at {fmt.pct(lo['rate'])} of {lo['decisions']:,}"
    return text + " decisions." + tail


def movers(df: pl.DataFrame, label: str, by: str, *, min_n: int = MIN_N) -> pl.DataFrame:
    """Groups whose overturn rate changed most between the last two `by` periods.

    The change is in percentage points with Newcombe's 95 % interval; `clear` (beyond noise)
    needs a Benjamini-Hochberg q-value at or under 5 % across the groups shown (the two-rate
    test of queries.stats, Fisher or chi-square), because many groups are tested at once.
    """
    periods = sorted(df[by].drop_nulls().unique().to_list())
    if len(periods) < 2:
        return pl.DataFrame()
    before, after = periods[-2], periods[-1]

    def side(p: object, tag: str) -> pl.DataFrame:
        part = df.filter((pl.col(by) == p) & (pl.col("decisions") >= min_n))
        return part.select(
            label,
            pl.col("rate").alias(f"rate_{tag}"),
            pl.col("decisions").alias(f"n_{tag}"),
            pl.col("overturned").alias(f"k_{tag}"),
        )

    joined = side(before, "before").join(side(after, "after"), on=label)
    rows = list(joined.iter_rows(named=True))
    bounds = [newcombe_diff(r["k_after"], r["n_after"], r["k_before"], r["n_before"]) for r in rows]
    p_values = [
        two_by_two_p(r["k_after"], r["n_after"] - r["k_after"], r["k_before"],
                     r["n_before"] - r["k_before"])[0]
        for r in rows
    ]  # fmt: skip
    return (
        joined.with_columns(
            change_points=(pl.col("rate_after") - pl.col("rate_before")) * 100,
            ci_low_points=pl.Series([b[0] * 100 for b in bounds], dtype=pl.Float64),
            ci_high_points=pl.Series([b[1] * 100 for b in bounds], dtype=pl.Float64),
            q_value=pl.Series(bh_adjust(p_values), dtype=pl.Float64),
        )
        .with_columns(clear=pl.col("q_value") <= FDR)
        .sort(pl.col("change_points").abs(), descending=True)
        .drop("k_before", "k_after")
        .with_columns(pl.lit(f"{before} → {after}").alias("periods"))
    )
