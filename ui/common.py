"""Small pieces every page shares: the demo banner and the empty state."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st


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
