"""Fast draws: `random.Random.choice/sample/choices` cost several Python calls each, and the
fast path makes ~40 draws a letter. These use one `random()` call per draw."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def pick(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


def pick_two(rng: random.Random, seq: Sequence[T]) -> tuple[T, T]:
    """Two different elements (sequence of at least two)."""
    n = len(seq)
    i = int(rng.random() * n)
    j = (i + 1 + int(rng.random() * (n - 1))) % n
    return seq[i], seq[j]


def pick_weighted(rng: random.Random, seq: Sequence[T], cum_weights: Sequence[float]) -> T:
    return seq[bisect(cum_weights, rng.random() * cum_weights[-1])]
