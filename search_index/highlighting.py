"""Showing why a passage matched: the words a query found in it, marked, and the synonyms it was found through."""

from __future__ import annotations

import html
import re

from search_index.analysis import FRENCH, Language, fold, says
from search_index.parsing import SynonymUse

StemSpans = tuple[tuple[int, int, str], ...]  # a text's indexed words: (start, end, stem)


def stem_spans(text: str, lang: Language) -> StemSpans:
    """The indexed words of a text as (start, end, stem), both stem forms of a word in a row."""
    return tuple(
        (token.startchar, token.endchar, token.text)
        for token in lang.stemming(text, chars=True, mode="index", removestops=False)
        if not token.stopped
    )


def match_spans(text: str, terms: set[str], prefixes: set[str], lang: Language = FRENCH, stemmed: StemSpans | None = None) -> list[tuple[int, int]]:
    """Where the words of ``text`` that a query matched are (character offsets, in order), in the text's language."""
    spans: list[tuple[int, int]] = []
    for start, end, stem in stem_spans(text, lang) if stemmed is None else stemmed:
        if stem in terms or (prefixes and any(fold(text[start:end]).startswith(p) for p in prefixes)):
            if not spans or spans[-1] != (start, end):
                spans.append((start, end))
    return spans


def highlight(
    text: str, terms: set[str], prefixes: set[str], window: int | None = None, lang: Language = FRENCH, stemmed: StemSpans | None = None
) -> str:
    """Escape ``text`` and wrap the words that matched in ``<mark>``; ``window`` cuts long texts around the first match."""
    spans = match_spans(text, terms, prefixes, lang, stemmed)
    start, end, prefix, suffix = 0, len(text), "", ""
    if window is not None:
        words = list(re.finditer(r"\S+", text))
        if len(words) > window:
            first = spans[0][0] if spans else 0
            index = next((i for i, w in enumerate(words) if w.end() > first), 0)
            lo = max(0, index - window // 3)
            hi = min(len(words), lo + window)
            start, end = words[lo].start(), words[hi - 1].end()
            prefix = "… " if lo > 0 else ""
            suffix = " …" if hi < len(words) else ""
    out = [prefix]
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[cursor:s], quote=False))
        out.append(f"<mark>{html.escape(text[s:e], quote=False)}</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end], quote=False))
    out.append(suffix)
    return "".join(out)


def found_via(text: str, uses: list[SynonymUse], lang: Language = FRENCH, stemmed: StemSpans | None = None) -> tuple[str, ...]:
    """The expressions a passage was found through, for each group of synonyms whose typed words it does not say."""
    uses = [use for use in uses if use.language == lang.code]
    if not uses:
        return ()
    said = {stem for _, _, stem in (stem_spans(text, lang) if stemmed is None else stemmed)}
    words = None
    out = []
    for use in uses:
        if all(said.intersection(forms) for forms in use.stems):
            continue
        for other in use.others:
            if len(other.typed) == 1 and len(other.words) == 1:
                if said.intersection(lang.stem_forms(other.words[0])):
                    out.append(other.text)
                    break
            else:
                words = lang.phrase_words(text) if words is None else words
                if says(words, list(other.typed)):
                    out.append(other.text)
                    break
    return tuple(out)
