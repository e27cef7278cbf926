"""What is read once from index segments and shared by every searcher that holds those segments.

A segment's documents never change (deleting one only hides it), so a list read from one
segment stays true for as long as the segment exists. Whoosh 2.7.4 opens new readers for every
segment when the index changes; keyed by segment ids, the big segments of a rebuild are read once
per process, and a commit only costs the reading of its small new segment.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterable, TypeVar

T = TypeVar("T")

_CACHE: dict[tuple[tuple[str, ...], str], object] = {}
_BUILDING: dict[tuple[tuple[str, ...], str], threading.Lock] = {}
_LOCK = threading.Lock()


def _ids(leaves: Iterable[Any]) -> tuple[str, ...]:
    return tuple(leaf.segment().segment_id() for leaf in leaves)


def per_segments(leaves: list[Any], name: str, build: Callable[[], T]) -> T:
    """``build()`` for these segment readers' segments, once per process while they are in use."""
    key = (_ids(leaves), name)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]  # type: ignore[return-value]
        building = _BUILDING.setdefault(key, threading.Lock())
    # Built outside the main lock: a search reading a new segment (a second at 1,000 hours) does
    # not hold up the searches whose segments are read already.
    with building:
        with _LOCK:
            if key in _CACHE:
                return _CACHE[key]  # type: ignore[return-value]
        value = build()
        with _LOCK:
            _CACHE[key] = value
            _BUILDING.pop(key, None)
    return value


def retain(leaves: list[Any]) -> None:
    """Forget what was read from segments other than these (those of the newest searcher).

    Searchers still open on older segments keep what they already read; only a new read of an
    old segment would repeat the work.
    """
    live = set(_ids(leaves))
    with _LOCK:
        for key in [k for k in _CACHE if not live.issuperset(k[0])]:
            del _CACHE[key]
