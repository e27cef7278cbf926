"""What each document of the index belongs to, read from its columns once per segment and kept per searcher.

A search counts, groups and filters its hits by webinar and speaker from these lists (indexed by
document number) rather than from each hit's stored fields; ``segments.per_segments`` shares what
is read from a segment between the searchers holding it.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from whoosh import query as Q

from search_index.segments import per_segments, retain

# Owner codes of the documents that are not cues (a cue's owner is its webinar's id).
WEBINAR_DOC = -1
RESOURCE_DOC = -2
# To keep cues only, mask the other kinds of document: intersecting with "kind:cue", which
# matches nearly every document, costs several times the query itself (bench/RESULTS.md).
NOT_CUES = Q.Or([Q.Term("kind", "webinar"), Q.Term("kind", "resource")])


def segment_columns(leaf: Any) -> tuple[list[int], list[tuple[int, str | None]], list[int]]:
    """For each document of one segment: its owner code, its (owner, speaker) key; and the documents that are not cues."""

    def read() -> tuple[list[int], list[tuple[int, str | None]], list[int]]:
        # Raw column values (bytes): decoding each of a million values would double the time.
        triples = list(zip(*(leaf.column_reader(name, translate=False) for name in ("kind", "webinar", "speaker")), strict=False))
        interned = {t: _doc_key(*t) for t in set(triples)}  # one tuple per (owner, speaker)
        keys = list(map(interned.__getitem__, triples))
        owner = list(map(itemgetter(0), keys))
        return owner, keys, [d for d, code in enumerate(owner) if code < 0]

    return per_segments([leaf], "owner+key", read)


def _index_columns(leaves: list[Any]) -> tuple[list[int], list[tuple[int, str | None]], list[int]]:
    """The segments' lists end to end (document numbers run through the segments in order), shared by searchers of the same segments."""

    def join() -> tuple[list[int], list[tuple[int, str | None]], list[int]]:
        segments = [segment_columns(leaf) for leaf, _ in leaves]
        if len(segments) == 1:
            return segments[0]
        return (
            [code for seg in segments for code in seg[0]],
            [k for seg in segments for k in seg[1]],
            [offset + d for (_, offset), seg in zip(leaves, segments, strict=False) for d in seg[2]],
        )

    return per_segments([leaf for leaf, _ in leaves], "index columns", join) if leaves else ([], [], [])


def _doc_key(kind: bytes, webinar: bytes, speaker: bytes) -> tuple[int, str | None]:
    """A document's (owner, speaker) from its raw column values."""
    if kind == b"cue":
        owner = int(webinar)
    else:
        owner = WEBINAR_DOC if kind == b"webinar" else RESOURCE_DOC
    return owner, speaker.decode("utf-8") or None


@dataclass
class SearcherCache:
    """What a search needs from every matching document, read once per searcher (a new commit means a new searcher)."""

    owner: list[int]  # by document number: the cue's webinar id, or a negative code for other kinds
    key: list[tuple[int, str | None]]  # by document number: (owner, speaker)
    others: list[int]  # the documents that are not cues
    start: Any  # a Whoosh column reader: by document number, the cue's start in ms
    webinar_themes: dict[int, tuple[str, ...]]
    webinar_starts: dict[int, int]


def searcher_cache(searcher: Any) -> SearcherCache:
    """The columns and webinar details of this searcher's index, read at its first search and kept on it."""
    cache = getattr(searcher, "_portal_cache", None)
    if cache is None:
        reader = searcher.reader()
        leaves = reader.leaf_readers() if reader.doc_count_all() else []
        retain([leaf for leaf, _ in leaves])
        owner, key, others = _index_columns(leaves)
        themes: dict[int, tuple[str, ...]] = {}
        docnums: dict[int, int] = {}
        for docnum in searcher.docs_for_query(Q.Term("kind", "webinar")):
            fields = reader.stored_fields(docnum)
            themes[int(fields["webinar"])] = tuple(t for t in (fields.get("themes") or "").split(",") if t)
            docnums[int(fields["webinar"])] = docnum
        # An index without any segment (nothing published yet) has no column at all.
        starts_col = reader.column_reader("starts_at") if leaves else {}
        cache = SearcherCache(
            owner=owner,
            key=key,
            others=others,
            start=reader.column_reader("start_ms") if leaves else {},
            webinar_themes=themes,
            webinar_starts={wid: int(starts_col[d] or 0) for wid, d in docnums.items()},
        )
        searcher._portal_cache = cache
    return cache

