"""Spelling suggestions: the words of a query the index does not know, replaced by the closest it knows.

A query that finds nothing is run again with its words corrected (``query.search``), shown with
the accents of the passages it found.
"""

from __future__ import annotations

import html
import re
import time
from collections import Counter
from typing import Any, Iterable

from search_index.analysis import FRENCH, fold

MAX_SUGGESTED_WORDS = 3
MAX_SUGGESTED_LENGTH = 20
SUGGEST_BUDGET_S = 0.05


def suggest(searcher: Any, text: str, words: list[str]) -> str | None:
    """Replace each word unknown to the index by the closest word it knows.

    Bounded, since anyone can ask: at most MAX_SUGGESTED_WORDS words of at most MAX_SUGGESTED_LENGTH
    letters, each compared only with the words sharing its first letter, within SUGGEST_BUDGET_S.
    (Twenty unknown 24-letter words cost 1.7 s before, against 20 ms for a plain search.)
    """
    corrector = searcher.corrector("folded")
    suggestion = text
    changed = False
    tried = 0
    deadline = time.monotonic() + SUGGEST_BUDGET_S
    for word in words:
        folded = fold(word)
        if len(folded) < 3 or len(folded) > MAX_SUGGESTED_LENGTH or searcher.doc_frequency("folded", folded) > 0:
            continue
        if any(searcher.doc_frequency("text", form) for form in FRENCH.stem_forms(word)):
            continue  # not said as typed, but its stem is (« délai » for « délais »): no typo
        if tried >= MAX_SUGGESTED_WORDS or time.monotonic() > deadline:
            break
        tried += 1
        found = corrector.suggest(folded, limit=1, maxdist=2, prefix=1)
        if found and found[0] != folded:
            suggestion = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", found[0], suggestion, count=1, flags=re.IGNORECASE)
            changed = True
    return suggestion if changed else None


def accented(suggestion: str, typed: str, snippets: Iterable[str]) -> str:
    """The suggestion with each corrected word as the passages found (their highlighted snippets) write it
    most often (« harcèlement », not the index's folded « harcelement »)."""
    typed_words = {w.lower() for w in re.findall(r"\w+", typed)}
    said = Counter(word for snippet in snippets for word in re.findall(r"\w+", html.unescape(re.sub(r"<[^>]+>", "", snippet))))

    def surface(match: re.Match[str]) -> str:
        word = match.group(0)
        if word.lower() in typed_words:
            return word
        forms = sorted(((n, form) for form, n in said.items() if fold(form) == fold(word)), reverse=True)
        lower = [form for _, form in forms if form.islower()]  # « Harcèlement » opening a sentence is « harcèlement »
        return lower[0] if lower else (forms[0][1] if forms else word)

    return re.sub(r"\w+", surface, suggestion)
