"""Spelling suggestions: bounded, run at once when the query finds nothing, and shown as the passages write the words."""

from tests.search_index.helpers import index_texts


def test_spelling_suggestions_are_bounded(new_store):
    from search_index.query import SearchRequest, search
    from search_index.suggestions import MAX_SUGGESTED_WORDS

    store = index_texts(new_store(), ["harcèlement signalement algorithme plateforme modération discrimination"])
    typos = ["harcelemnt", "signalemnt", "algoritme", "plateforem", "moderaton"]
    suggestion = search(store, SearchRequest(text=" ".join(typos), correct=False)).suggestion
    corrected = [w for w in ("harcelement", "signalement", "algorithme", "plateforme", "moderation") if w in suggestion]
    assert corrected == ["harcelement", "signalement", "algorithme"] and len(corrected) == MAX_SUGGESTED_WORDS
    # a word longer than any a person mistypes gets none (and costs nothing)
    assert search(store, SearchRequest(text="harcelemntharcelemntharcelemnt", correct=False)).suggestion is None


def test_a_query_that_finds_nothing_is_run_again_corrected_in_the_words_as_said(new_store):
    from search_index.query import SearchRequest, search

    store = index_texts(new_store(), ["Le harcèlement en ligne est puni.", "Harcèlement : porter plainte.", "Un harcèlement répété."])
    result = search(store, SearchRequest(text="harcelemnt"))
    assert result.corrected_from == "harcelemnt" and result.text == "harcèlement" and result.total_hits == 3
    assert search(store, SearchRequest(text="harcelemnt", correct=False)).total_hits == 0
    nothing = search(store, SearchRequest(text="zorglub"))
    assert nothing.corrected_from is None and nothing.total_hits == 0 and nothing.suggestion is None


def test_a_word_whose_stem_is_said_is_not_taken_for_a_typo(new_store):
    from search_index.query import SearchRequest, search

    store = index_texts(new_store(), ["Les délais sont courts.", "La plainte est déposée."])
    result = search(store, SearchRequest(text="délai plainte", webinar_id=1))
    assert result.corrected_from is None and result.loosened  # « délai » is « délais »: no « Vouliez-vous dire »
