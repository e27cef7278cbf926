import pytest

from search_index.analysis import STEMMING, query_words, stem_forms


def index_terms(text: str) -> set[str]:
    return {t.text for t in STEMMING(text, mode="index")}


def query_terms(word: str) -> set[str]:
    return set(stem_forms(query_words(word)[0]))


@pytest.mark.parametrize(
    "query, text",
    [
        ("harcelement", "le harcèlement en ligne"),
        ("harcèlement", "HARCELEMENT"),
        ("discrimination", "les discriminations"),
        ("plainte", "des plaintes"),
        ("algorithme", "l'algorithme de recommandation"),
        ("enquete", "d'enquête"),
        ("enquêtes", "l’enquête"),
        ("elles", "qu'elles"),
        ("securite", "la sécurité"),
        ("déposée", "déposer plainte"),
        ("reseaux", "réseaux sociaux"),
    ],
)
def test_query_word_meets_its_french_variants(query, text):
    assert query_terms(query) & index_terms(text)


@pytest.mark.parametrize("word", ["le", "de", "l", "d", "qu", "et", "jusqu"])
def test_stop_words_and_elisions_are_not_indexed(word):
    assert query_words(word) == []


@pytest.mark.parametrize("word", ["an", "or", "us", "be", "will", "may"])
def test_english_stop_words_are_kept_in_french_text(word):
    assert query_words(word) == [word]


def test_both_stem_forms_share_a_position():
    tokens = [(t.text, t.pos) for t in STEMMING("la sécurité", mode="index", positions=True)]
    assert {text for text, _ in tokens} == {"securit", "secur"}
    assert len({pos for _, pos in tokens}) == 1
