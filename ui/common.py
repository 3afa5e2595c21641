"""Small pieces every page shares: the demo banner and the empty state."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from ui import data, upload


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


def empty(n: int | None, what: str = "decisions") -> bool:
    """Show the empty state and return True when nothing matches the filters."""
    if n:
        return False
    st.info(f"No {what} match these filters. Widen them in the sidebar or press Reset filters.")
    return True


def upload_box() -> None:
    """Add letters through the ingest pipeline (the only way the app writes to the database)."""
    st.subheader("Add letters")
    files = st.file_uploader(
        "IMR final determination letters (PDF or TXT)",
        type=upload.SUFFIXES,
        accept_multiple_files=True,
        max_upload_size=upload.MAX_UPLOAD_MB,
    )
    if files and st.button("Ingest these files", type="primary"):
        with st.spinner("Ingesting…"):
            run = upload.ingest([(x.name, x.getvalue()) for x in files], data.db_path())
        st.success(
            f"Added {run.added}, skipped {run.skipped} already known, "
            f"{run.duplicates} duplicates, {len(run.quarantined)} quarantined."
        )
        for failed in run.quarantined:
            st.warning(f"{failed.path}: {failed.reason} {failed.detail}")
