"""The Data page's "Agreement with DWC's coding" section (table `dwc_search`, `imr fetch`).

DWC codes every treatment it publishes; where we hold the same letters, how often our parse
and taxonomy agree with that coding is the cheapest large check of both. Every share is shown
with its n and 95 % interval; each disagreeing case links to the Case page.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from queries.agreement import Agreement
from ui import data
from ui import format as fmt

CASE_LINK = "case?case="  # the Case page opened on one case (relative to the app's root)
UNIT = {"items": "decisions", "letters": "letters"}


def render_agreement() -> None:
    st.subheader("Agreement with DWC's coding")
    result = data.agreement()
    if result.empty:
        st.caption(
            "No DWC search rows for the letters here yet. `imr fetch` downloads letters from "
            "DWC's public decision search and records DWC's own category, subcategory and "
            "decision for every treatment; this section then compares them with our parse."
        )
        return
    st.caption(coverage_sentence(result))
    st.dataframe(fields_table(result), hide_index=True)
    st.markdown("Service category, DWC's (rows) against ours (columns), in decisions:")
    st.dataframe(confusion_table(result), hide_index=True)
    st.markdown(
        f"{fmt.count(result.disagreements.height, 'disagreements')}; open a case to read "
        "its letter:"
    )
    st.dataframe(
        disagreements_table(result),
        hide_index=True,
        column_config={"case": st.column_config.LinkColumn("case", display_text=r"case=(.*)$")},
    )


def coverage_sentence(result: Agreement) -> str:
    c = result.coverage
    return (
        f"DWC lists {fmt.count(c['dwc_cases'], 'letters')} "
        f"({fmt.count(c['dwc_items'], 'decisions')}); {fmt.count(c['parsed_cases'], 'letters')} "
        f"are in this database, {fmt.count(c['matched_items'], 'decisions')} matched by position. "
        "DWC's wording is mapped to ours (queries/dwc_vocabulary.toml); a name left unmapped "
        "counts as a disagreement."
    )


def fields_table(result: Agreement) -> pl.DataFrame:
    rows = result.fields.iter_rows(named=True)
    return pl.DataFrame(
        [
            {
                "field": r["field"],
                "agreement": fmt.pct(r["agreement"]),
                "95 % CI": fmt.ci(r["ci_low"], r["ci_high"]),
                "agree": f"{r['agree']:,} of {fmt.count(r['compared'], UNIT[r['unit']])}",
            }
            for r in rows
        ]
    )


def confusion_table(result: Agreement) -> pl.DataFrame:
    return (
        result.confusion.pivot(
            on="our_category", index="dwc_category", values="items", sort_columns=True
        )
        .fill_null(0)
        .rename({"dwc_category": "DWC category"})
    )


def disagreements_table(result: Agreement) -> pl.DataFrame:
    return result.disagreements.select(
        (pl.lit(CASE_LINK) + pl.col("case_number")).alias("case"),
        pl.col("item_position").cast(pl.String).fill_null("").alias("item"),  # "": whole letter
        "field",
        pl.col("dwc").alias("DWC"),
        "ours",
    )
