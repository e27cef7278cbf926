"""What is read once from an index segment and shared by every searcher that holds the segment.

A segment's documents never change (deleting one only hides it), so a list read from one
segment stays true for as long as the segment exists. Whoosh 2.7.4 opens new readers for every
segment when a searcher is refreshed after a commit; keyed by segment id, the big segments of a
rebuild are read once per process, and a commit only costs the reading of its small new segment.
"""

from __future__ import annotations

import threading
import weakref
from typing import Callable, TypeVar

T = TypeVar("T")


class _Held:
    __slots__ = ("value", "__weakref__")

    def __init__(self, value: object):
        self.value = value


_CACHE: weakref.WeakValueDictionary[tuple[str, str], _Held] = weakref.WeakValueDictionary()
_LOCK = threading.Lock()


def per_segment(leaf, name: str, build: Callable[[], T]) -> T:
    """``build()`` for this segment reader's segment, once per process while a reader of it is open."""
    key = (leaf.segment().segment_id(), name)
    with _LOCK:
        held = _CACHE.get(key)
        if held is None:
            held = _CACHE[key] = _Held(build())
        # The reader holds what was read from its segment: dropped when no open reader needs it.
        leaf.__dict__.setdefault("_portal_segment_data", {})[name] = held
    return held.value
