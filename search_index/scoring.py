"""Scoring every document a query matches, fast: what the grouped and faceted results need.

A results page groups every hit by webinar and counts facets, so it needs the score of every
match, not only the best ten. Whoosh 2.7.4 scores a match in about 2 microseconds of Python calls
(a matcher, a scorer and a column read per document): 0.5 s for a word said in 200,000 cues.
Here a query made of terms (``Term``, ``Or``, ``And``, ``AndNot``, which is what ``query.py``
builds for words, prefixes and phrases within a cue) is scored a posting block at a time with the
same BM25F formula and statistics as Whoosh, several times faster; any other node (a phrase
across two cues, on fields with positions) is left to Whoosh. ``tests/search_index/test_scoring.py`` holds the scores equal to
Whoosh's own on indexes with several segments and deleted documents.

This reads the inside of Whoosh 2.7.4's posting lists (block ids and weights) and its field
length columns; the version is pinned in pyproject.toml.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from whoosh import query as Q
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length

from search_index.analysis import FRENCH, Language, PhraseWord, says
from search_index.segments import per_segments

Scores = dict[int, float]  # document number -> score


class WordsInOrder(Q.And):
    """A phrase that one pair term cannot hold (three words or more, or an elided article typed
    with its word): every pair and article term of it (the ``pairs`` field), then the document's
    stored text read to check that its words follow each other, articles included.

    The text field keeps no positions (reading them tripled the cost of every search), so Whoosh
    alone would take this for the And of the terms; ``match_scores`` does the check.
    """

    def __init__(self, terms: list[Q.Query], words: list[PhraseWord], lang: Language = FRENCH, boost: float = 1.0):
        super().__init__(terms, boost=boost)
        self.words = list(words)
        self.lang = lang

    # Whoosh rebuilds compound queries as ``type(q)(subqueries, boost=...)``: keep the words.
    def apply(self, fn: Callable[[Q.Query], Q.Query]) -> Any:
        return WordsInOrder([fn(q) for q in self.subqueries], self.words, self.lang, boost=self.boost)

    def normalize(self) -> Any:
        return WordsInOrder([q.normalize() for q in self.subqueries], self.words, self.lang, boost=self.boost)


class AcrossCues(Q.And):
    """A phrase said across the end of a cue, cut after its first ``k`` words: the pair at the cut
    (the ``cross`` field) and the pairs before it, then checked against the cue's stored text (it
    ends with those k words) and its ``next`` (the next cue's first words begin with the rest)."""

    def __init__(self, terms: list[Q.Query], words: list[PhraseWord], k: int, lang: Language = FRENCH, boost: float = 1.0):
        super().__init__(terms, boost=boost)
        self.words, self.k, self.lang = list(words), k, lang

    def apply(self, fn: Callable[[Q.Query], Q.Query]) -> Any:
        return AcrossCues([fn(q) for q in self.subqueries], self.words, self.k, self.lang, boost=self.boost)

    def normalize(self) -> Any:
        return AcrossCues([q.normalize() for q in self.subqueries], self.words, self.k, self.lang, boost=self.boost)


class MostOf(Q.Or):
    """Documents matching any of its parts, each score scaled by the share of parts it matches:
    what a query of several words falls back to when no passage holds them all."""

    def apply(self, fn: Callable[[Q.Query], Q.Query]) -> Any:
        return MostOf([fn(q) for q in self.subqueries], boost=self.boost)

    def normalize(self) -> Any:
        return MostOf([q.normalize() for q in self.subqueries], boost=self.boost)


def match_scores(searcher: Any, query: Q.Query) -> Scores:
    """The score of every document ``query`` matches, by document number (Whoosh's own scores)."""
    return _evaluate(searcher, query)


def ranked(scores: Scores, docnums: Iterable[int] | None = None) -> list[tuple[float, int]]:
    """Some matches (all by default) as ``(score, docnum)``, best first and ties by document number, as Whoosh ranks."""
    order = sorted(scores if docnums is None else docnums)
    order.sort(key=scores.__getitem__, reverse=True)  # stable: equal scores keep document order
    return [(scores[docnum], docnum) for docnum in order]


def _evaluate(searcher: Any, node: Q.Query, within: set[int] | None = None) -> Scores:  # noqa: C901 (README, Layout: the exceptions)
    """The scores of the documents ``node`` matches (only those ``within``, when given)."""
    if node is Q.NullQuery or (within is not None and not within):
        return {}
    if getattr(node, "boost", 1.0) != 1.0:
        return _whoosh_scores(searcher, node, within)
    kind = type(node)
    if kind is Q.Term:
        return _term_scores(searcher, node.fieldname, node.text, within)
    if kind is WordsInOrder:
        candidates = _evaluate(searcher, Q.And(node.subqueries), within)
        return {docnum: score for docnum, score in candidates.items() if _says(searcher, docnum, node.words, node.lang)}
    if kind is AcrossCues:
        candidates = _evaluate(searcher, Q.And(node.subqueries), within)
        return {docnum: score for docnum, score in candidates.items() if _spans(searcher, docnum, node)}
    if kind is MostOf:
        total: Scores = {}
        matched: dict[int, int] = {}
        for sub in node.subqueries:
            for docnum, score in _evaluate(searcher, sub, within).items():
                total[docnum] = total.get(docnum, 0.0) + score
                matched[docnum] = matched.get(docnum, 0) + 1
        n = len(node.subqueries)
        return {docnum: score * matched[docnum] / n for docnum, score in total.items()}
    if kind is Q.AndNot:
        positive = _evaluate(searcher, node.a, within)
        for docnum in _evaluate(searcher, node.b, set(positive)):
            del positive[docnum]
        return positive
    if kind is Q.And and node.subqueries:
        # The rarest part first; the others are then read only where it matched (whole posting
        # blocks without a candidate are skipped unread).
        parts = sorted(node.subqueries, key=lambda q: _estimate(searcher, q))
        scores = _evaluate(searcher, parts[0], within)
        for part in parts[1:]:
            more = _evaluate(searcher, part, set(scores))
            scores = {docnum: scores[docnum] + score for docnum, score in more.items()}
        return scores
    if kind is Q.Or and not node.minmatch and node.scale is None:
        total = {}
        for sub in node.subqueries:
            part = _evaluate(searcher, sub, within)
            if len(part) > len(total):
                total, part = part, total
            # Only documents both hold need an addition; the rest is one C-level update.
            for docnum in part.keys() & total.keys():
                part[docnum] += total[docnum]
            total.update(part)
        return total
    return _whoosh_scores(searcher, node, within)


def _says(searcher: Any, docnum: int, words: list[PhraseWord], lang: Language) -> bool:
    """Whether a document's stored text holds these words one after the other."""
    return says(lang.phrase_words(searcher.stored_fields(docnum).get("text") or ""), words)


def _spans(searcher: Any, docnum: int, node: AcrossCues) -> bool:
    """Whether a cue ends with the phrase's first k words and the next cue begins with the rest."""
    fields = searcher.stored_fields(docnum)
    own = node.lang.phrase_words(fields.get("text") or "")
    following = node.lang.phrase_words(fields.get("next") or "")
    head, rest = node.words[: node.k], node.words[node.k :]
    return (
        len(own) >= len(head)
        and len(following) >= len(rest)
        and all(t.matches(s) for t, s in zip(head, own[len(own) - len(head) :], strict=False))
        and all(t.matches(s) for t, s in zip(rest, following, strict=False))
    )


def _estimate(searcher: Any, node: Q.Query) -> int:
    """An upper bound of how many documents ``node`` matches, to read the rarest part of an And first."""
    kind = type(node)
    if node is Q.NullQuery:
        return 0
    if kind is Q.Term:
        return int(searcher.doc_frequency(node.fieldname, node.text))
    if kind in (Q.Or, MostOf):
        return sum(_estimate(searcher, q) for q in node.subqueries)
    if kind in (Q.And, WordsInOrder, AcrossCues) and node.subqueries:
        return min(_estimate(searcher, q) for q in node.subqueries)
    if kind is Q.AndNot:
        return _estimate(searcher, node.a)
    return int(searcher.doc_count_all())


def _whoosh_scores(searcher: Any, node: Q.Query, within: set[int] | None) -> Scores:
    found = searcher.search(node, limit=None, terms=False).top_n
    return {docnum: score for score, docnum in found if within is None or docnum in within}


def _term_scores(searcher: Any, fieldname: str, text: str, within: set[int] | None) -> Scores:
    scorer = searcher.weighting.scorer(searcher, fieldname, text) if searcher.doc_frequency(fieldname, text) else None
    if scorer is None:
        return {}
    if type(scorer) is not BM25FScorer:
        return _whoosh_scores(searcher, Q.Term(fieldname, text), within)
    idf, k1p1 = scorer.idf, scorer.K1 + 1
    norms = _length_norms(scorer.K1, scorer.B, scorer.avgfl)
    scores: Scores = {}
    for leaf, offset in searcher.reader().leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        matcher = leaf.postings(fieldname, text)
        deleted: frozenset[int] = frozenset()
        if isinstance(matcher, FilterMatcher):  # the segment has deleted documents
            deleted, matcher = matcher._ids, matcher.child
        if not isinstance(matcher, W3LeafMatcher):
            return _whoosh_scores(searcher, Q.Term(fieldname, text), within)
        lengths = _field_lengths(leaf, fieldname)
        if within is None:
            for ids, weights in _blocks(matcher):
                block = {
                    docnum + offset: idf * ((weight * k1p1) / (weight + norms[lengths[docnum]]))
                    for docnum, weight in zip(ids, weights, strict=False)
                }
                if deleted:
                    for docnum in deleted.intersection(ids):
                        del block[docnum + offset]
                scores.update(block)
        else:
            end = offset + leaf.doc_count_all()
            wanted = sorted(d - offset for d in within if offset <= d < end)
            for ids, weights in _blocks(matcher, wanted):
                scores.update(
                    (docnum + offset, idf * ((weight * k1p1) / (weight + norms[lengths[docnum]])))
                    for docnum, weight in zip(ids, weights, strict=False)
                    if docnum + offset in within
                )
    return scores


@lru_cache(maxsize=64)
def _length_norms(k1: float, b: float, avgfl: float) -> tuple[float, ...]:
    """The length part of BM25 for each of the 256 length bytes (Whoosh stores a field's length in one byte)."""
    return tuple(k1 * ((1 - b) + b * byte_to_length(n) / avgfl) for n in range(256))


def _blocks(matcher: W3LeafMatcher, wanted: list[int] | None = None) -> Iterator[Any]:
    """The posting blocks of a term in one segment, as (document numbers, term frequencies).

    With ``wanted`` (sorted document numbers of the segment), only the blocks that may hold one
    of them: a block's highest number is in its header, so the others are never unpacked.
    """
    matcher.reset()
    lowest = 0  # every document number below this one is in a block already passed
    while matcher.is_active():
        if wanted is not None:
            i = bisect_left(wanted, lowest)
            if i == len(wanted):
                return
            if wanted[i] > matcher._maxid:
                lowest = matcher._maxid + 1
                matcher._next_block()
                continue
        matcher._read_ids()
        matcher._read_weights()
        yield matcher._ids, matcher._weights
        lowest = matcher._maxid + 1
        matcher._next_block()


def _field_lengths(leaf: Any, fieldname: str) -> bytes:
    """One length byte per document of the segment, for one field (about 0.1 s per 100,000 documents, once)."""

    def read() -> bytes:
        column = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        return bytes(column) if column is not None else bytes(leaf.doc_count_all())

    return per_segments([leaf], f"lengths:{fieldname}", read)
