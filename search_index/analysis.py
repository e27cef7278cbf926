"""French text analysis: the only place tokenisation, stop words, folding and stemming are defined.

Measured traps of Whoosh 2.7.4 (see the search-engine notes in the README):
- ``StopFilter(lang="fr")`` adds the French list to the English one: we pass the French list alone.
- Folding accents before stemming makes ``securite`` = ``sécurité`` but loses Snowball rules that
  depend on accents (``déposée`` no longer meets ``déposer``); stemming first does the reverse.
  So the index holds both forms at the same position, stem(fold(w)) and fold(stem(w)), and a
  query word asks for either.
- Elisions (l', d', qu', jusqu'...) are split off by the tokenizer and dropped as stop words.
- Phrases are exact, small words included: the pairs field joins every word to the next one (stop
  words too) and an elided article to its word; the bridge and head fields keep every word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import Analyzer, CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.lang import stopwords_for_language
from whoosh.lang.snowball.french import FrenchStemmer
from whoosh.support.charset import accent_map

WORD_PATTERN = r"\w+"
ELISIONS = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"})
# Snowball's French list lacks a few words present in nearly every sentence; "elles" and "ils"
# stay searchable on purpose (qu'elles must find elles).
STOP_WORDS = frozenset(stopwords_for_language("fr")) | ELISIONS | {"les", "cette", "cet"}

_stemmer = FrenchStemmer()


def fold(word: str) -> str:
    """Lower-case and remove accents: ``Harcèlement`` -> ``harcelement``."""
    return word.lower().translate(accent_map)


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer.stem(word)


@lru_cache(maxsize=200_000)
def stem_forms(word: str) -> tuple[str, ...]:
    """The index terms of a lower-cased word: stem(fold(w)) first, then fold(stem(w)) if different."""
    primary = _stem(fold(word))
    secondary = fold(_stem(word))
    return (primary,) if secondary == primary else (primary, secondary)


class DualStemFilter(Filter):
    """Emit both stem forms at the same position when indexing; only the primary one for queries."""

    is_morph = True

    def __call__(self, tokens):
        for token in tokens:
            if token.stopped:
                yield token
                continue
            forms = stem_forms(token.text)
            token.text = forms[0]
            if len(forms) == 1 or token.mode == "query":
                yield token
                continue
            yield token
            token.text = forms[1]
            yield token


class PrimaryStemFilter(Filter):
    """Only the primary stem, stem(fold(w)): the form phrase queries use."""

    is_morph = True

    def __call__(self, tokens):
        for token in tokens:
            if not token.stopped:
                token.text = stem_forms(token.text)[0]
            yield token


class PairFilter(Filter):
    """Each word's primary stem joined to the next one's, small words included (``en ligne`` ->
    ``en_lign``), and an elided article joined to its word (``l'algorithme`` -> ``l'algorithm``):
    a two-word phrase, or one word with its article, becomes one term.

    Elisions are not words of a phrase: ``contre l'algorithme`` gives ``contr_algorithm``, so the
    phrase ``"contre algorithme"`` finds it too; the elision term is what makes ``"l'algorithme"``
    exact.
    """

    def __call__(self, tokens):
        previous = None
        elision = None
        for token in tokens:
            word = token.text
            if word in ELISIONS:
                elision = word
                continue
            current = stem_forms(word)[0]
            if elision is not None:
                token.text = elision_term(elision, current)
                yield token
                elision = None
            if previous is not None:
                token.text = pair_term(previous, current)
                yield token
            previous = current


def pair_term(first_stem: str, second_stem: str) -> str:
    return f"{first_stem}_{second_stem}"


def elision_term(elision: str, stem: str) -> str:
    return f"{elision}'{stem}"


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(WORD_PATTERN)


def stemming_analyzer() -> Analyzer:
    """For the searchable text: words, lower case, French stop words, both stem forms."""
    return _tokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1) | DualStemFilter()


def folding_analyzer() -> Analyzer:
    """Whole words without accents, not stemmed: what prefix queries (``harcèlem*``) expand over."""
    return _tokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1) | CharsetFilter(accent_map)


def pairs_analyzer() -> Analyzer:
    """Adjacent word pairs, small words included, for exact phrase lookups (no positions read)."""
    return _tokenizer() | LowercaseFilter() | PairFilter()


def phrase_words_analyzer() -> Analyzer:
    """Every word's primary stem, small words included and elisions left out: the positional
    fields a phrase said across two cues is matched in."""
    return _tokenizer() | LowercaseFilter() | StopFilter(stoplist=ELISIONS, minsize=1) | PrimaryStemFilter()


STEMMING = stemming_analyzer()
PAIRS = pairs_analyzer()
FOLDING = folding_analyzer()
PHRASE_WORDS = phrase_words_analyzer()
_WORDS = _tokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1)
# A word with the elided article glued to it (l'algorithme, qu'elles, jusqu'à): the article is
# kept apart so a phrase typed with one can require it.
_ELIDED_WORD = re.compile(r"(?:\b(" + "|".join(sorted(ELISIONS, key=len, reverse=True)) + r")['’ʼ])?(\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class PhraseWord:
    stem: str  # the primary stem, stem(fold(w)), small words included
    elision: str | None = None  # the elided article said before it (l, d, qu...), lower-cased

    def matches(self, said: "PhraseWord") -> bool:
        """A typed word matches a said one of the same stem; a typed article must have been said too."""
        return self.stem == said.stem and (self.elision is None or self.elision == said.elision)


def phrase_words(text: str) -> list[PhraseWord]:
    """Every word of a text in order, small words included, each with the elided article before it.

    The same words the pairs and bridge fields hold: an elision written alone (``l`` without its
    apostrophe) is left out there too.
    """
    out = []
    for match in _ELIDED_WORD.finditer(text):
        elision, word = match.group(1), match.group(2).lower()
        if word in ELISIONS:
            continue
        out.append(PhraseWord(stem_forms(word)[0], elision.lower() if elision else None))
    return out


def says(said: list[PhraseWord], typed: list[PhraseWord]) -> bool:
    """Whether the words ``typed`` follow one another in ``said``."""
    n = len(typed)
    return any(
        all(t.matches(s) for t, s in zip(typed, said[i : i + n]))
        for i in range(len(said) - n + 1)
        if typed[0].stem == said[i].stem
    )


def edge_words(text: str, count: int, last: bool = False, articles: bool = True) -> str:
    """The first (or last) ``count`` words of a text as written, with their elided articles unless ``articles`` is false."""
    matches = [m for m in _ELIDED_WORD.finditer(text) if m.group(2).lower() not in ELISIONS]
    chosen = matches[-count:] if last else matches[:count]
    return " ".join(m.group(0) if articles else m.group(2) for m in chosen)


def query_words(text: str) -> list[str]:
    """The lower-cased, non-stop words of some query text, in order (accents kept, no stemming)."""
    return [t.text for t in _WORDS(text, mode="query")]
