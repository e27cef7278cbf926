"""Each recording analysed in its own language: English stems and stop words for an English webinar, French for the rest."""

from __future__ import annotations

from search_index.analysis import ENGLISH, FRENCH, language
from search_index.documents import CueDoc, WebinarDoc
from search_index.query import SearchRequest, search

FRENCH_TEXTS = ["Le harcèlement en ligne touche les jeunes.", "Les plateformes doivent retirer les contenus."]
ENGLISH_TEXTS = [
    "Online harassment targets young women first.",
    "The platforms must remove hateful content quickly.",
    "She was harassed for months",
    "online, and nobody acted.",
]


def _store(new_store):
    store = new_store()
    fr = tuple(CueDoc(i + 1, 1, 1, i * 1000, i * 1000 + 900, t, "Intervenante", (FRENCH_TEXTS + [""])[i + 1]) for i, t in enumerate(FRENCH_TEXTS))
    en = tuple(CueDoc(i + 11, 2, 2, i * 1000, i * 1000 + 900, t, "Speaker", (ENGLISH_TEXTS + [""])[i + 1]) for i, t in enumerate(ENGLISH_TEXTS))
    store.rebuild([
        WebinarDoc(1, "fr", "Le harcèlement", "Un webinaire en français", ("law",), 0, 1, fr),
        WebinarDoc(2, "en", "Harassment", "A webinar in English", ("law",), 0, 2, en, language="en"),
    ])
    return store


def _found(store, text):
    result = search(store, SearchRequest(text=text, hits_per_group=10, correct=False))
    return {(g.webinar_id, h.start_ms): h.snippet_html for g in result.groups for h in g.hits}


def test_an_english_word_finds_the_english_webinar_with_english_stemming(new_store):
    store = _store(new_store)
    found = _found(store, "harassment")
    assert set(found) == {(2, 0), (2, 2000)}  # "harassed" shares the English stem "harass"
    assert found[(2, 2000)] == "She was <mark>harassed</mark> for months"
    assert set(_found(store, "harcèlement")) == {(1, 0)}  # and a French word the French one


def test_english_stop_words_and_phrases(new_store):
    store = _store(new_store)
    assert set(_found(store, "the platforms")) == {(2, 1000)}  # "the" is a small word in English
    assert set(_found(store, '"remove hateful content"')) == {(2, 1000)}
    assert set(_found(store, '"months online"')) == {(2, 2000)}  # across two cues
    assert set(_found(store, '"online harassment"')) == {(2, 0)}
    assert set(_found(store, '"harassment online"')) == set()


def test_the_french_analysis_is_not_changed_by_an_english_webinar(new_store):
    store = _store(new_store)
    assert set(_found(store, "plateformes")) == {(1, 1000)}  # not the English "platforms", stemmed in English only
    assert set(_found(store, '"en ligne"')) == {(1, 0)}
    assert FRENCH.stem_forms("harcèlement") == ("harcel",) and ENGLISH.stem_forms("harassment") == ("harass",)


def test_language_codes():
    assert language("en") is ENGLISH and language("en-GB") is ENGLISH
    assert language("fr") is FRENCH and language("other") is FRENCH and language(None) is FRENCH


def test_prefixes_reach_every_language(new_store):
    store = _store(new_store)
    assert {w for w, _ in _found(store, "harass*")} == {2}
    assert {w for w, _ in _found(store, "harc*")} == {1}
