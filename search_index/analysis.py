"""French text analysis: the only place tokenisation, stop words, folding and stemming are defined.

Measured traps of Whoosh 2.7.4 (see the search-engine notes in the README):
- ``StopFilter(lang="fr")`` adds the French list to the English one: we pass the French list alone.
- Folding accents before stemming makes ``securite`` = ``sécurité`` but loses Snowball rules that
  depend on accents (``déposée`` no longer meets ``déposer``); stemming first does the reverse.
  So the index holds both forms at the same position, stem(fold(w)) and fold(stem(w)), and a
  query word asks for either.
- Elisions (l', d', qu', jusqu'...) are split off by the tokenizer and dropped as stop words.
"""

from __future__ import annotations

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
    """Each stem joined to the next (``port plaint`` -> ``port_plaint``): a two-word phrase becomes one term."""

    def __call__(self, tokens):
        previous = None
        for token in tokens:
            if token.stopped:
                continue
            current = token.text
            if previous is not None:
                token.text = pair_term(previous, current)
                yield token
            previous = current


def pair_term(first_stem: str, second_stem: str) -> str:
    return f"{first_stem}_{second_stem}"


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(WORD_PATTERN)


def stemming_analyzer() -> Analyzer:
    """For the searchable text: words, lower case, French stop words, both stem forms."""
    return _tokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1) | DualStemFilter()


def folding_analyzer() -> Analyzer:
    """Whole words without accents, not stemmed: what prefix queries (``harcèlem*``) expand over."""
    return _tokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1) | CharsetFilter(accent_map)


def pairs_analyzer() -> Analyzer:
    """Adjacent word pairs, for fast phrase lookups (a phrase is then checked word by word)."""
    return _tokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1) | PrimaryStemFilter() | PairFilter()


STEMMING = stemming_analyzer()
PAIRS = pairs_analyzer()
FOLDING = folding_analyzer()
_WORDS = _tokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1)
_PHRASE_STEMS = _WORDS | PrimaryStemFilter()


def phrase_stems(text: str) -> list[str]:
    """The primary stems of a text's words in order, stop words left out: what a phrase is matched against."""
    return [t.text for t in _PHRASE_STEMS(text, mode="index") if not t.stopped]


def query_words(text: str) -> list[str]:
    """The lower-cased, non-stop words of some query text, in order (accents kept, no stemming)."""
    return [t.text for t in _WORDS(text, mode="query")]
