"""Small indexes the tests of search_index/ build, and what a search finds in them."""

from search_index.documents import CueDoc, WebinarDoc
from search_index.query import SearchRequest, search
from search_index.store import IndexStore


def index_texts(store: IndexStore, texts: list[str]) -> IndexStore:
    """One webinar (id 1) whose cues say these texts, a second apart, each knowing the next one's text."""
    cues = tuple(
        CueDoc(i + 1, 1, 1, i * 1000, i * 1000 + 900, text, "Intervenante", texts[i + 1] if i + 1 < len(texts) else "")
        for i, text in enumerate(texts)
    )
    store.rebuild([WebinarDoc(1, "w", "Titre", "Titre", ("law",), 0, 1, cues)])
    return store


def cue_starts(store: IndexStore, text: str) -> list[int]:
    """The start (ms) of every cue of webinar 1 that a search for ``text`` finds, in order."""
    result = search(store, SearchRequest(text=text, webinar_id=1, hits_per_page=50))
    return sorted(h.start_ms for g in result.groups for h in g.hits)


def one_cue_webinar(wid: int, text: str) -> WebinarDoc:
    """A webinar of one cue saying ``text``."""
    cue = CueDoc(wid * 10, wid, 1, 0, 900, text, "Intervenante")
    return WebinarDoc(wid, f"w{wid}", f"Webinaire {wid}", "Présentation", ("law",), 0, 1, (cue,))
