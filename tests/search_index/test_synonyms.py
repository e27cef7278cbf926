"""Synonyms and acronyms applied when a query is read: what was typed, or any other expression of its group."""

from __future__ import annotations

from search_index.documents import CueDoc, WebinarDoc
from search_index.parsing import parse_query
from search_index.query import SearchRequest, search
from search_index.synonyms import Thesaurus

GROUPS = (
    ("DSA", "règlement sur les services numériques", "Digital Services Act"),
    ("RGPD", "GDPR"),
    ("cyberharcèlement", "harcèlement en ligne"),
    ("réseaux sociaux", "plateformes"),
)

TEXTS = [
    "Le DSA impose aux très grandes plateformes d'évaluer leurs risques.",  # 0
    "Le Digital Services Act est entré en vigueur.",  # 1000
    "Le GDPR protège les données.",  # 2000
    "Le harcèlement en ligne touche les jeunes.",  # 3000
    "Un harcèlement, puis une ligne rouge.",  # 4000: not the phrase
    "Le cyberharcèlement est un délit.",  # 5000
    "Les réseaux sociaux amplifient la haine.",  # 6000
    "Sur les services numériques, le règlement est clair.",  # 7000: the words, not in order
]


def _store(new_store):
    store = new_store()
    cues = tuple(CueDoc(i + 1, 1, 1, i * 1000, i * 1000 + 900, t, "Intervenante") for i, t in enumerate(TEXTS))
    store.rebuild([WebinarDoc(1, "w", "Titre", "", ("law",), 0, 1, cues)])
    return store


def _hits(store, text, groups=GROUPS):
    result = search(store, SearchRequest(text=text, webinar_id=1, hits_per_page=50, synonyms=groups, correct=False))
    return {h.start_ms: h.via for g in result.groups for h in g.hits}


def test_an_acronym_finds_its_expansions_and_says_how(new_store):
    store = _store(new_store)
    hits = _hits(store, "DSA")
    assert set(hits) == {0, 1000}
    assert hits[0] == ()  # says DSA itself
    assert hits[1000] == ("Digital Services Act",)


def test_the_words_of_the_law_find_the_acronym_said(new_store):
    store = _store(new_store)
    hits = _hits(store, "règlement sur les services numériques")
    assert hits[0] == ("DSA",) and hits[1000] == ("Digital Services Act",)
    assert hits[7000] == ()  # the typed words themselves, in any order, still match as without synonyms
    assert set(_hits(store, "reglement services numeriques")) == {0, 1000, 7000}  # accents and small words do not matter


def test_a_multi_word_synonym_is_an_exact_phrase(new_store):
    store = _store(new_store)
    hits = _hits(store, "cyberharcèlement")
    assert set(hits) == {3000, 5000}  # never "un harcèlement, puis une ligne"
    assert hits[3000] == ("harcèlement en ligne",)
    assert set(_hits(store, "RGPD")) == {2000}


def test_quoted_phrases_and_exclusions_are_not_expanded(new_store):
    store = _store(new_store)
    assert set(_hits(store, '"DSA"')) == {0}
    assert set(_hits(store, "plainte -DSA")) == set()
    assert 0 not in _hits(store, "vigueur OR plateformes -DSA")


def test_without_a_thesaurus_nothing_changes(new_store):
    store = _store(new_store)
    assert set(_hits(store, "DSA", groups=())) == {0}


def test_synonyms_combine_with_other_words(new_store):
    store = _store(new_store)
    assert set(_hits(store, "DSA vigueur")) == {1000}
    assert set(_hits(store, "haine réseaux sociaux")) == {6000}


def test_a_thesaurus_ignores_groups_without_two_searchable_expressions():
    thesaurus = Thesaurus([("DSA",), ("le", "la"), ("IA", "intelligence artificielle")])
    assert len(thesaurus.groups) == 0 or all(len(g) >= 2 for g in thesaurus.groups)
    assert thesaurus.group_of(("ia",)) is not None
    parsed = parse_query("l'IA générative", thesaurus)
    assert parsed.synonyms and parsed.synonyms[0].typed == "l'IA"


def test_a_control_character_typed_cannot_pose_as_a_synonym_mark(new_store):
    store = _store(new_store)
    assert set(_hits(store, "DSA \x01")) == {0, 1000}  # the mark typed is read as a space
    assert _hits(store, "\x010") == {}  # "0": no error, no synonym clause borrowed
