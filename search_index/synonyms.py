"""Synonyms and acronyms, applied when a query is read (changing them needs no reindex).

A thesaurus is a list of groups of equivalent expressions (``DSA = règlement sur les services
numériques = Digital Services Act``). When the unquoted words of a query say one expression of a
group, in order (small words between them do not count), the query looks for what was typed *or*
any other expression of the group, each of those as an exact phrase. Quoted phrases are exact
and never expanded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from search_index.analysis import FRENCH, Language, PhraseWord, language


@dataclass(frozen=True)
class Expression:
    text: str  # as the admin wrote it
    key: tuple[str, ...]  # the primary stems of its words that are not small words: what typed words are compared on
    words: tuple[str, ...]  # those words, lower-cased
    typed: tuple[PhraseWord, ...]  # every word, small ones included: the exact phrase it is searched as


def expression(text: str, lang: Language = FRENCH) -> Expression:
    words = tuple(lang.query_words(text))
    return Expression(text.strip(), tuple(lang.stem_forms(w)[0] for w in words), words, tuple(lang.phrase_words(text)))


class Thesaurus:
    """Groups of equivalent expressions, found in a query's words by their stems (in one language's analysis)."""

    def __init__(self, groups: Iterable[Sequence[str]], lang: Language = FRENCH):
        self.groups: list[tuple[Expression, ...]] = []
        self._by_key: dict[tuple[str, ...], int] = {}
        for group in groups:
            expressions = tuple(e for e in (expression(t, lang) for t in group if t.strip()) if e.key)
            if len(expressions) < 2:
                continue
            index = len(self.groups)
            self.groups.append(expressions)
            for e in expressions:
                self._by_key.setdefault(e.key, index)  # an expression in two groups: the first wins
        self.longest = max((len(k) for k in self._by_key), default=0)

    def __bool__(self) -> bool:
        return bool(self.groups)

    def group_of(self, key: tuple[str, ...]) -> int | None:
        return self._by_key.get(key)


@lru_cache(maxsize=8)
def thesaurus(groups: tuple[tuple[str, ...], ...], code: str = "fr") -> Thesaurus:
    """The thesaurus of these groups in one language, built once (stemming every expression) for as long as they do not change."""
    return Thesaurus(groups, language(code))
