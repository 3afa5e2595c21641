"""The per-process caches of the text paths (part maps, marks, counts): least recently used
first, one lock for all (the app's sessions share the process)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

_lock = threading.Lock()


def kept(cache: OrderedDict, key: tuple) -> Any:
    """The value kept under `key` (now the most recently used), or None."""
    with _lock:
        if (got := cache.get(key)) is not None:
            cache.move_to_end(key)
        return got


def keep(cache: OrderedDict, key: tuple, value: Any, most: int) -> Any:
    """Keep `value` under `key`, dropping the least recently used beyond `most`; `value`."""
    with _lock:
        cache[key] = value
        while len(cache) > most:
            cache.popitem(last=False)
    return value
