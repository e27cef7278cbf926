"""The Whoosh schema: one document per cue and one per webinar, in one index."""

from __future__ import annotations

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from search_index.analysis import FOLDING, PAIRS, STEMMING

# Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 7
# How many words of the next cue a cue's "bridge" holds: phrases of up to BRIDGE_WORDS + 1
# words said across two cues are found (the hit is the first cue).
BRIDGE_WORDS = 4


def build_schema() -> Schema:
    return Schema(
        doc_id=ID(stored=True, unique=True),
        kind=ID(stored=True, sortable=True),  # "cue", "webinar" or "resource"
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
        # No positions: reading them made every search on this field 3 times slower; phrases go
        # through the pairs field (and, from three words, a check of the stored text).
        text=TEXT(analyzer=STEMMING, stored=True, phrase=False),
        folded=TEXT(analyzer=FOLDING, phrase=False),
        # Last words of this cue + first words of the next, and those first words alone:
        # a phrase found in the bridge but not in the next cue's head alone spans the two.
        bridge=TEXT(analyzer=STEMMING, phrase=True),
        head=TEXT(analyzer=STEMMING, phrase=True),
        # Adjacent stem pairs of the cue, plus the pair across its end: a two-word phrase is one term.
        pairs=TEXT(analyzer=PAIRS, phrase=False),
    )
