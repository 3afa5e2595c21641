"""The covering design two equality matrices share (test_query_text_bits.py,
test_analyses_text_counts.py): every routed (filter set, call) compared under one text of each
share band, and every (text, filter set) and (text, call) pair compared at least once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def design(
    routed: Mapping[str, list[int]],
    texts: Sequence[str],
    others: Sequence[str],
    bands: Sequence[Sequence[str]],
) -> dict[tuple[str, str], list[int]]:
    """(text, filter set) -> the indexes of the calls compared there: call k under the j-th
    filter set that routes it takes text k + j of each band; pairs left out are then added."""
    out: dict[tuple[str, str], list[int]] = {(t, o): [] for t in texts for o in others}
    seen: dict[int, int] = {}
    for other, ks in routed.items():
        for k in ks:
            j = seen[k] = seen.get(k, -1) + 1
            for band in bands:
                out[band[(k + j) % len(band)], other].append(k)
    for text in texts:
        for other, ks in routed.items():  # every (text, filter set) pair
            if ks and not out[text, other]:
                out[text, other].append(ks[texts.index(text) % len(ks)])
        done = {k for o in others for k in out[text, o]}
        for k in seen.keys() - done:  # every (text, call) pair
            out[text, next(o for o, ks in routed.items() if k in ks)].append(k)
    return {key: sorted(ks) for key, ks in out.items()}
