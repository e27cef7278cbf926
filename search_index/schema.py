"""The Whoosh schema: one document per cue and one per webinar, in one index."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from search_index.analysis import FOLDING, FRENCH, LANGUAGES

# Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 11
# How many of the next cue's first words a cue keeps (stored, small words included): a phrase said
# across two cues is found (at the first) when at most this many of its words are in the second.
BRIDGE_WORDS = 5


def build_schema() -> Schema:
    fields = dict(
        doc_id=ID(stored=True, unique=True),
        kind=ID(stored=True, sortable=True),  # "cue", "webinar" or "resource"
        lang=ID(stored=True),  # the language the document's text was analysed in
        resource=ID(stored=True),
        webinar=ID(stored=True, sortable=True),
        transcript=ID(stored=True),
        themes=KEYWORD(stored=True, commas=True),
        speaker=ID(stored=True, sortable=True),
        # Times are only read back, never queried: columns, not indexed terms (a faster build, a smaller index).
        start_ms=COLUMN(NumericColumn("q")),
        end_ms=STORED(),
        starts_at=COLUMN(NumericColumn("q")),
        title=STORED(),
        next=STORED(),  # the next cue's first words, to check a phrase said across the two
        folded=TEXT(analyzer=FOLDING, phrase=False),
    )
    for language in LANGUAGES.values():
        name = language.field
        fields.update({
            # No positions: reading them made every search on this field 3 times slower; phrases go
            # through the pairs field (and, from three words, a check of the stored text). The
            # French field stores every document's text, whatever its language.
            name("text"): TEXT(analyzer=language.stemming, stored=language is FRENCH, phrase=False),
            # Adjacent stem pairs of the cue (small words included) and each elided article with its
            # word: a two-word phrase is one term. The pair across the cue's end is apart, in cross:
            # a longer phrase said across two cues is found by it (and checked against the cue's
            # text and ``next``)
            name("pairs"): TEXT(analyzer=language.pairs, phrase=False),
            name("cross"): TEXT(analyzer=language.pairs, phrase=False),
        })
    return Schema(**fields)


# French that goes through every analysis step (elisions, stop words, plurals, accents, stems, pairs).
_PROBE = (
    "L'algorithme n'a-t-il pas amplifié les contenus haineux ? Les plateformes doivent retirer "
    "les messages signalés ; les victimes déposent plainte auprès du procureur, en ligne ou au commissariat."
)


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A short hash of what makes an index readable by this code: the schema version, every field's
    kind and analysis (its components and their settings) and what that analysis makes of a probe text.

    Changing a stop list or a stemmer without bumping SCHEMA_VERSION changes it too, so the index is
    rebuilt instead of being searched with words it does not hold.
    """
    schema = build_schema()
    parts = [f"v{SCHEMA_VERSION}"]
    for name in schema.names():
        field = schema[name]
        parts.append(f"{name}:{type(field).__name__}:{type(field.format).__name__ if field.format else '-'}:{bool(field.scorable)}")
        analyzer = getattr(field, "analyzer", None)
        if analyzer is not None:
            parts.append(_describe(analyzer))
            parts.append(" ".join(token.text for token in analyzer(_PROBE)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def _describe(component: object) -> str:
    items = getattr(component, "items", None)
    if isinstance(items, (list, tuple)):
        return "+".join(_describe(item) for item in items)
    settings = []
    for key, value in sorted(vars(component).items()):
        if isinstance(value, (set, frozenset)):
            value = sorted(map(str, value))
        elif isinstance(value, re.Pattern):
            value = value.pattern
        elif callable(value) and hasattr(value, "__qualname__"):
            value = value.__qualname__
        elif not isinstance(value, (str, int, float, bool, type(None), list, tuple, dict)):
            value = type(value).__name__
        settings.append(f"{key}={value!r}")
    return f"{type(component).__name__}({','.join(settings)})"
