"""Small pieces every page shares: drawing a chart, the demo banner, the small-data and link
notices, the empty state and the upload box."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
import streamlit as st

from common.writelock import WriterBusy
from queries.vocab import MIN_N
from ui import charts, data, figures, report, upload, urlstate
from ui import format as fmt


def draw(chart, **kwargs):
    """`st.altair_chart` as every page draws a chart: stretched to the column, on a canvas
    (`charts.for_browser`); returns the selection event like st.altair_chart does."""
    return st.altair_chart(charts.for_browser(chart), **{"width": "stretch", **kwargs})


def table(
    df: pl.DataFrame, config: Mapping[str, object] | None = None, *, grain: str | None = None
):
    """`st.dataframe` as the analyses pages show a table: each column headed as the offline
    report heads it (ui/column_labels.toml), period columns as analysts say them (`2016 Q2`,
    given the `grain`), then `config`. Display only: the frame, and so its CSV, is unchanged."""
    periods = [c for c in df.columns if c.endswith("period") and df.schema[c].is_temporal()]
    if grain and periods:
        df = df.with_columns(
            pl.col(c).map_elements(lambda v: fmt.period(v, grain), return_dtype=pl.String)
            for c in periods
        )
    labels: dict[str, object] = {c: report.heading(c) for c in df.columns}
    return st.dataframe(df, hide_index=True, column_config={**labels, **(config or {})})


def demo_banner(summary: Mapping[str, object]) -> None:
    """Say so loudly when synthetic letters are in the numbers."""
    demo, letters = summary.get("demo_letters") or 0, summary.get("letters") or 0
    if demo:
        share = "all" if demo == letters else f"{demo:,} of {letters:,}"
        st.warning(
            f"Demo data: synthetic letters ({share} letters shown are generated, "
            "not published IMR decisions).",
            icon=":material/science:",
        )


def small_data_notice(summary: Mapping[str, object]) -> None:
    """Once, at the top of a page: few decisions means small groups and wide intervals."""
    n = int(summary.get("decisions") or 0)
    if figures.is_small_selection(n):
        st.info(
            f"Small selection: {fmt.count(n, 'decisions')}. Most groups on this page have fewer "
            f"than {MIN_N} decisions, so they are greyed, not ranked, and their 95 % intervals "
            "are wide: read their rates as descriptions, not findings.",
            icon=":material/info:",
        )


def link_notices() -> None:
    """Name every value of the link that could not be used (the rest of the link applies)."""
    dropped = urlstate.notices()
    if dropped:
        st.warning(
            "This link had values this view cannot use, so only those were dropped and "
            "everything else in the link applies: " + "; ".join(fmt.md(d) for d in dropped),
            icon=":material/link_off:",
        )


def empty(n: int | None, what: str = "decisions") -> bool:
    """Show the empty state and return True when nothing matches the filters."""
    if n:
        return False
    st.info(f"No {what} match these filters. Widen them in the sidebar or press Reset filters.")
    return True


def upload_box() -> None:
    """Add letters through the ingest pipeline (the only way the app writes to the database)."""
    if not upload.enabled():  # `imr app --no-upload`: a shared server that only reads
        return
    st.subheader("Add letters")
    files = st.file_uploader(
        "IMR final determination letters (PDF or TXT)",
        type=upload.SUFFIXES,
        accept_multiple_files=True,
        max_upload_size=upload.MAX_UPLOAD_MB,
    )
    if files and st.button("Ingest these files", type="primary"):
        try:
            with st.spinner("Ingesting…"):
                run = upload.ingest([(x.name, x.getvalue()) for x in files], data.db_path())
        except WriterBusy as exc:
            st.info(
                f"Another ingest (process {exc.pid or 'unknown'}) is writing to this database "
                "right now. Nothing was added: try again when it has finished."
            )
            return
        except upload.UploadsDisabled:
            st.info("Uploads are turned off on this server (`imr app --no-upload`).")
            return
        upload_result(run)


def upload_result(run) -> None:
    """What the upload did and what to do next, in words (a known file is not an error)."""
    known = run.skipped + run.duplicates
    if run.added:
        st.success(
            f"Added {fmt.count(run.added, 'letters')}: every page now includes them."
            + (f" {fmt.count(known, 'files')} were already in the database." if known else "")
        )
    elif known and not run.quarantined:
        st.info(
            f"Nothing new: {'this file was' if known == 1 else f'these {known} files were'} "
            "already in the database (same content), so the numbers are unchanged."
        )
    if run.quarantined:
        lines = "\n".join(
            f"- {fmt.md(f.path)}: {fmt.md(_reason(f))} ({fmt.md(f.detail)})"
            for f in run.quarantined
        )
        st.info(
            f"{fmt.count(len(run.quarantined), 'files')} could not be read as IMR letters and "
            "were set aside (quarantined); nothing else changed. Check that each is a final "
            "determination letter with a text layer (scans need OCR first). They are listed "
            "under Quarantined files on the Data page.\n\n" + lines,
            icon=":material/inventory_2:",
        )


def _reason(failed) -> str:
    return str(getattr(failed.reason, "value", failed.reason))
