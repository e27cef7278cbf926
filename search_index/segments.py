"""What is read once from an index segment and shared by every searcher that holds the segment.

A segment's documents never change (deleting one only hides it), so a list read from one
segment stays true for as long as the segment exists. Whoosh 2.7.4 opens new readers for every
segment when the index changes; keyed by segment id, the big segments of a rebuild are read once
per process, and a commit only costs the reading of its small new segment.
"""

from __future__ import annotations

import threading
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")

_CACHE: dict[tuple[str, str], object] = {}
_LOCK = threading.Lock()


def per_segment(leaf, name: str, build: Callable[[], T]) -> T:
    """``build()`` for this segment reader's segment, once per process while the segment is in use."""
    key = (leaf.segment().segment_id(), name)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = build()
        return _CACHE[key]  # type: ignore[return-value]


def retain(leaves: Iterable) -> None:
    """Forget what was read from segments other than these (those of the newest searcher).

    Searchers still open on older segments keep what they already read; only a new read of an
    old segment would repeat the work.
    """
    live = {leaf.segment().segment_id() for leaf in leaves}
    with _LOCK:
        for key in [k for k in _CACHE if k[0] not in live]:
            del _CACHE[key]
