"""One-line takeaways for the analyses' pages, from the same DataFrames the charts draw.

Pure functions (no Streamlit), unit-tested: each names its n, its interval or its test, and
says "beyond noise" only where a Benjamini-Hochberg-adjusted test says so.
"""

from __future__ import annotations

import math

import polars as pl

from ui import format as fmt

MEASURE_WORDS = {
    "assigned_to_decision": "from assignment to the decision letter",
    "ur_denial_to_application": "from the UR denial to the IMR application",
}


def timeliness(overall: pl.DataFrame, measure: str) -> str:
    """Median, 90th percentile, mean and the share over 30 days of one measure, with the
    letters left out for missing or impossible dates."""
    rows = overall.filter(pl.col("measure") == measure)
    if rows.is_empty() or not rows["measured"][0]:
        return "No letter under these filters carries both dates."
    r = rows.row(0, named=True)
    left_out = r["missing_dates"] + r["negative"]
    tail = ""
    if left_out:
        parts = [f"{fmt.count(r['missing_dates'], 'letters')} without the dates"]
        if r["negative"]:
            parts.append(f"{fmt.count(r['negative'], 'letters')} with a negative span")
        tail = f" Left out: {' and '.join(parts)}."
    return (
        f"Median {r['median_days']:.0f} days {MEASURE_WORDS[measure]} "
        f"(90th percentile {r['p90_days']:.0f}, mean {r['mean_days']:.1f}); "
        f"{fmt.pct(r['share_over_30'])} of {fmt.count(r['measured'], 'letters')} took more "
        f"than 30 days (95 % CI {fmt.ci(r['ci_low'], r['ci_high'])}).{tail}"
    )


def share_change(df: pl.DataFrame, what: str, grain: str, n_col: str) -> str:
    """First vs last complete period of a share (e.g. the opioid share)."""
    full = df.filter(~pl.col("partial")).sort("period") if "partial" in df.columns else df
    if full.height < 2:
        return f"Too few complete periods to show how the {what} moved."
    a, b = full.row(0, named=True), full.row(-1, named=True)
    overlap = a["ci_low"] <= b["ci_high"] and b["ci_low"] <= a["ci_high"]
    verdict = "the 95 % intervals overlap" if overlap else "the 95 % intervals do not overlap"
    return (
        f"The {what} went from {fmt.pct(a['share'])} ({fmt.period(a['period'], grain)}, "
        f"n = {a[n_col]:,}) to {fmt.pct(b['share'])} ({fmt.period(b['period'], grain)}, "
        f"n = {b[n_col]:,}); {verdict}."
    )


def group_changes(changes: pl.DataFrame, grain: str) -> str:
    """Which groups' change between the first and last complete period is beyond noise,
    with the false discovery rate controlled across the groups (Benjamini-Hochberg)."""
    tested = changes.filter(pl.col("p_value").is_not_null())
    if tested.is_empty():
        return "Too few complete periods (or groups present in both) to test any change."
    r0 = tested.row(0, named=True)
    span = f"{fmt.period(r0['first_period'], grain)} to {fmt.period(r0['last_period'], grain)}"
    moved = tested.filter(pl.col("beyond_noise")).sort("change")
    if moved.is_empty():
        return (
            f"No group's change from {span} is beyond noise (Benjamini-Hochberg across "
            f"{fmt.count(tested.height, 'groups')}, 5 % false discovery rate; "
            "letter-clustered tests)."
        )
    named = "; ".join(
        f"{r['group']} {fmt.points(r['change'])} ({fmt.pct(r['first_rate'])} to "
        f"{fmt.pct(r['last_rate'])})"
        for r in moved.iter_rows(named=True)
    )
    return (
        f"Beyond noise from {span}: {named}. Benjamini-Hochberg across "
        f"{fmt.count(tested.height, 'groups')} "
        "(5 % false discovery rate), letter-clustered tests."
    )


def agreement(rates: pl.DataFrame) -> str:
    """Overturn rate when the reviewer cited the same source, a different one, or none."""
    by = {r["guideline_agreement"]: r for r in rates.iter_rows(named=True)}
    parts = []
    for label in ("Same source", "Different source", "Reviewer cited none"):
        r = by.get(label)
        if r:
            parts.append(
                f"{label.lower()}: {fmt.pct(r['rate'])} of {r['decisions']:,} "
                f"(95 % CI {fmt.ci(r['ci_low_clustered'], r['ci_high_clustered'])})"
            )
    if not parts:
        return "No decisions under these filters."
    return (
        "Overturn rate by whether the reviewer relied on the claims administrator's source - "
        + ("; ".join(parts) + ". Intervals allow for items of one letter being alike.")
    )


def standardised(df: pl.DataFrame, label: str) -> str:
    """Groups whose overturns differ from what their service mix predicts, beyond noise."""
    tested = df.filter(~pl.col("small") & pl.col("q_value").is_not_null())
    if tested.is_empty():
        return f"Every {label.lower()} group is below the minimum n: none compared."
    strata = df["strata"][0]
    flagged = tested.filter(pl.col("beyond_noise")).sort("oe", descending=True)
    base = (
        f"Expected overturns use the overall rate of each decision's {strata}; "
        f"{fmt.count(tested.height, 'groups')} compared, Benjamini-Hochberg at a 5 % false "
        "discovery rate."
    )
    if flagged.is_empty():
        return (
            f"No {label.lower()} differs from its service mix's expectation beyond noise. " + base
        )
    named = "; ".join(
        f"{r['grp']} O/E {r['oe']:.2f} (95 % CI {r['oe_low']:.2f}-{r['oe_high']:.2f}, "
        f"{r['observed']:,} observed vs {r['expected']:,.1f} expected)"
        for r in flagged.iter_rows(named=True)
    )
    return f"Beyond noise: {named}. " + base


def case_outcomes(overall: pl.DataFrame, items: pl.DataFrame) -> str:
    """Shares of letters by outcome and items per letter, overall."""
    if overall.is_empty() or not overall["total_letters"][0]:
        return "No letters under these filters."
    by = {r["case_outcome"]: r for r in overall.iter_rows(named=True)}
    total = overall["total_letters"][0]
    i = items.row(0, named=True) if not items.is_empty() else None
    per = (
        f" A letter carries {i['items_per_letter']:.2f} decided items on average; "
        f"{fmt.pct(i['share_multi'])} carry more than one."
        if i
        else ""
    )
    return (
        f"Of {fmt.count(total, 'letters')}: {fmt.pct(by['Upheld']['share'])} fully upheld, "
        f"{fmt.pct(by['Partially Overturned']['share'])} partly overturned, "
        f"{fmt.pct(by['Overturned']['share'])} fully overturned.{per}"
    )


def partly_vs_denied(rates: pl.DataFrame, diff: dict | None) -> str:
    """Partly authorised (UR modified) against fully denied requests."""
    by = {r["partly_authorized"]: r for r in rates.iter_rows(named=True)}
    if diff is None or True not in by or False not in by:
        return "Partly authorised and fully denied requests cannot both be found here."
    y, n = by[True], by[False]
    noise = "beyond" if diff["ci_low"] > 0 or diff["ci_high"] < 0 else "within"
    return (
        f"Partly authorised (UR modified) requests: {fmt.pct(y['rate'])} overturned of "
        f"{y['decisions']:,}; fully denied: {fmt.pct(n['rate'])} of {n['decisions']:,}. "
        f"Difference {fmt.points(diff['diff'])} (95 % CI {fmt.points(diff['ci_low'])} to "
        f"{fmt.points(diff['ci_high'])}, letter-clustered; {fmt.p_value(diff['p_value'])}): "
        f"{noise} noise."
    )


def design_effect(row: dict) -> str:
    """What the letter-clustered design effect means for every interval in the app."""
    deff = row.get("deff")
    if deff is None or (isinstance(deff, float) and math.isnan(deff)):
        return "No design effect can be estimated here (one letter, or no overturns at all)."
    widen = math.sqrt(max(1.0, deff))
    return (
        f"Design effect {deff:.2f} over {fmt.count(row['letters'], 'letters')} and "
        f"{fmt.count(row['decisions'], 'decisions')}: items of one letter are alike, so the "
        f"data carry the information of about {row['n_eff']:,.0f} independent decisions, and a "
        f"letter-clustered interval is {widen:.2f} times as wide as the plain one "
        f"({fmt.ci(row['ci_low'], row['ci_high'])} becomes "
        f"{fmt.ci(row['ci_low_clustered'], row['ci_high_clustered'])})."
    )


def adjustment_method(groups: pl.DataFrame) -> str:
    """One sentence under the raw-vs-adjusted chart: what the adjustment did."""
    by_year = groups.height > 0 and bool(groups["year_changes_answer"][0])
    strata = "service subcategory in the decision's year" if by_year else "service subcategory"
    year = (
        " The decision year changed the answer here, so rates are taken per year."
        if by_year
        else ""
    )
    return (
        "Adjusted rate = observed / expected overturns x the overall rate; expected counts each "
        f"decision at the overall overturn rate of its {strata} (indirect standardisation)."
        + year
        + " Whiskers: 95 % intervals (Wilson for raw, exact Poisson for adjusted); faded: "
        "groups under the minimum n."
    )
