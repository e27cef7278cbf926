"""Text analysis: the only place tokenisation, stop words, folding and stemming are defined.

Each recording is analysed in its own language (French, the default, and English): its stop
words, its Snowball stemmer, its elisions. The analysed fields of a language other than French
carry its suffix (``text_en``), so each language keeps its own term statistics and the French
analysis is exactly what it was before languages existed.

Measured traps of Whoosh 2.7.4 (see the search-engine notes in the README):
- ``StopFilter(lang="fr")`` adds the French list to the English one: we pass each list alone.
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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from whoosh.analysis import Analyzer, CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.lang import stopwords_for_language
from whoosh.lang.snowball.english import EnglishStemmer
from whoosh.lang.snowball.french import FrenchStemmer
from whoosh.support.charset import accent_map

WORD_PATTERN = r"\w+"
APOSTROPHES = "'’ʼ"


def fold(word: str) -> str:
    """Lower-case and remove accents: ``Harcèlement`` -> ``harcelement``."""
    return word.lower().translate(accent_map)


def pair_term(first_stem: str, second_stem: str) -> str:
    return f"{first_stem}_{second_stem}"


def elision_term(elision: str, stem: str) -> str:
    return f"{elision}'{stem}"


@dataclass(frozen=True)
class PhraseWord:
    stem: str  # the primary stem, small words included
    elision: str | None = None  # the elided article said before it (l, d, qu...), lower-cased

    def matches(self, said: "PhraseWord") -> bool:
        """A typed word matches a said one of the same stem; a typed article must have been said too."""
        return self.stem == said.stem and (self.elision is None or self.elision == said.elision)


def says(said: list[PhraseWord], typed: list[PhraseWord]) -> bool:
    """Whether the words ``typed`` follow one another in ``said``."""
    n = len(typed)
    return any(
        all(t.matches(s) for t, s in zip(typed, said[i : i + n], strict=False))
        for i in range(len(said) - n + 1)
        if typed[0].stem == said[i].stem
    )


class Language:
    """One language's analysis: stop words, elisions, stems, and the analysers of its fields."""

    def __init__(self, code: str, stop_words: frozenset[str], elisions: frozenset[str], stemmer: Any, dual: bool):
        self.code = code
        self.suffix = "" if code == "fr" else f"_{code}"
        self.stop_words = stop_words | elisions
        self.elisions = elisions
        self.dual = dual  # both stem(fold(w)) and fold(stem(w)) (French accents change its stems)
        self._stemmer = stemmer
        self.stem_forms = lru_cache(maxsize=200_000)(self._stem_forms)
        self._stem = lru_cache(maxsize=200_000)(stemmer.stem)
        elided = "|".join(sorted(elisions, key=len, reverse=True))
        # A word with the elided article glued to it (l'algorithme, qu'elles, jusqu'à): the article
        # is kept apart so a phrase typed with one can require it.
        self._elided_word = re.compile(rf"(?:\b({elided})[{APOSTROPHES}])?(\w+)" if elided else r"()(\w+)", re.IGNORECASE)
        self.stemming = _tokenizer() | LowercaseFilter() | StopFilter(stoplist=self.stop_words, minsize=1) | DualStemFilter(self)
        self.pairs = _tokenizer() | LowercaseFilter() | PairFilter(self)
        self.phrase_words_analyzer = (
            _tokenizer() | LowercaseFilter() | StopFilter(stoplist=elisions, minsize=1) | PrimaryStemFilter(self)
            if elisions
            else _tokenizer() | LowercaseFilter() | PrimaryStemFilter(self)
        )
        self._words = _tokenizer() | LowercaseFilter() | StopFilter(stoplist=self.stop_words, minsize=1)

    def __repr__(self) -> str:
        return f"Language({self.code})"

    def __reduce__(self) -> tuple[Callable[[str], Language], tuple[str]]:
        # Whoosh pickles the schema, analysers included, into the index: a language is stored as its code.
        return (language, (self.code,))

    def field(self, base: str) -> str:
        """The name of an analysed field in this language (``text``, ``text_en``)."""
        return base + self.suffix

    def _stem_forms(self, word: str) -> tuple[str, ...]:
        primary = self._stem(fold(word))
        if not self.dual:
            return (primary,)
        secondary = fold(self._stem(word))
        return (primary,) if secondary == primary else (primary, secondary)

    def query_words(self, text: str) -> list[str]:
        """The lower-cased, non-stop words of some query text, in order (accents kept, no stemming)."""
        return [t.text for t in self._words(text, mode="query")]

    def phrase_words(self, text: str) -> list[PhraseWord]:
        """Every word of a text in order, small words included, each with the elided article before it.

        The same words the pairs and bridge fields hold: an elision written alone (``l`` without its
        apostrophe) is left out there too.
        """
        out = []
        for match in self._elided_word.finditer(text):
            elision, word = match.group(1), match.group(2).lower()
            if word in self.elisions:
                continue
            out.append(PhraseWord(self.stem_forms(word)[0], elision.lower() if elision else None))
        return out

    def edge_words(self, text: str, count: int, last: bool = False, articles: bool = True) -> str:
        """The first (or last) ``count`` words of a text as written, with their elided articles unless ``articles`` is false."""
        matches = [m for m in self._elided_word.finditer(text) if m.group(2).lower() not in self.elisions]
        chosen = matches[-count:] if last else matches[:count]
        return " ".join(m.group(0) if articles else m.group(2) for m in chosen)


class DualStemFilter(Filter):
    """Emit both stem forms at the same position when indexing; only the primary one for queries."""

    is_morph = True

    def __init__(self, language: Language):
        self.language = language

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.language is self.language

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        stem_forms = self.language.stem_forms
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

    def __init__(self, language: Language):
        self.language = language

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.language is self.language

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        stem_forms = self.language.stem_forms
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

    def __init__(self, language: Language):
        self.language = language

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.language is self.language

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        stem_forms, elisions = self.language.stem_forms, self.language.elisions
        previous = None
        elision = None
        for token in tokens:
            word = token.text
            if word in elisions:
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


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(WORD_PATTERN)


FRENCH_ELISIONS = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"})
# Snowball's French list lacks a few words present in nearly every sentence; "elles" and "ils"
# stay searchable on purpose (qu'elles must find elles).
FRENCH = Language(
    "fr",
    frozenset(stopwords_for_language("fr")) | {"les", "cette", "cet"},
    FRENCH_ELISIONS,
    FrenchStemmer(),
    dual=True,
)
# English: Whoosh's list (which holds "s" and "t" of "it's", "don't"); no elision.
ENGLISH = Language("en", frozenset(stopwords_for_language("en")), frozenset(), EnglishStemmer(), dual=False)
LANGUAGES: dict[str, Language] = {"fr": FRENCH, "en": ENGLISH}


def language(code: str | None) -> Language:
    """The analysis of a catalogue language code: ``en``, ``en-GB`` -> English; anything else French."""
    return LANGUAGES.get((code or "fr").lower().split("-")[0], FRENCH)


def folding_analyzer() -> Analyzer:
    """Whole words without accents, not stemmed: what prefix queries (``harcèlem*``) expand over.
    One field for every language (French stop words left out)."""
    return _tokenizer() | LowercaseFilter() | StopFilter(stoplist=FRENCH.stop_words, minsize=1) | CharsetFilter(accent_map)


# The French analysis under its historical names.
ELISIONS = FRENCH.elisions
STOP_WORDS = FRENCH.stop_words
STEMMING = FRENCH.stemming
PAIRS = FRENCH.pairs
PHRASE_WORDS = FRENCH.phrase_words_analyzer
FOLDING = folding_analyzer()
stem_forms = FRENCH.stem_forms
query_words = FRENCH.query_words
phrase_words = FRENCH.phrase_words
edge_words = FRENCH.edge_words
