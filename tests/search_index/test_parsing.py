"""What a query means: the query language (phrases, small words, elisions, compounds), and that nothing typed raises."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_index.parsing import MAX_QUERY_CHARS, parse_query
from tests.search_index.helpers import cue_starts, index_texts


@pytest.mark.parametrize(
    "text",
    ['"unclosed', "AND OR", "*", "a" * 5000, "-", "--", '""', "OR OR OR", "NOT", "(", ")", "*:*", "title:x", "\x00", "é*", "-harcèlement"],
)
def test_malformed_queries_never_raise(text):
    parsed = parse_query(text)
    assert parsed.query is not None or parsed.notices


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses(text):
    parsed = parse_query(text)
    assert parsed.query is not None or parsed.notices


def test_long_query_is_cut_with_a_notice():
    parsed = parse_query("mot " * 2000)
    assert any(str(MAX_QUERY_CHARS) in n for n in parsed.notices)


def test_short_prefix_is_explained():
    assert any("étoile" in n for n in parse_query("h*").notices)


def test_phrases_within_and_across_cues_without_duplicates(new_store):
    store = index_texts(
        new_store(),
        [
            "Vous pouvez aussi porter",
            "plainte directement auprès du procureur.",
            "Il faut porter plainte vite.",
            "Porter un regard, puis plainte.",
        ],
    )
    assert cue_starts(store, '"porter plainte"') == [0, 2000]  # across cues 1-2 (at the first), and within cue 3
    assert cue_starts(store, '"porter plainte directement"') == [0]  # three words across the boundary
    assert cue_starts(store, '"plainte directement"') == [1000]  # within cue 2 only, not again at cue 1
    assert cue_starts(store, '"plainte porter"') == []
    assert cue_starts(store, "porter plainte") == [2000, 3000]  # both words in one cue, any order


def test_a_phrase_of_three_words_needs_them_in_a_row_not_only_its_pairs(new_store):
    store = index_texts(
        new_store(),
        [
            "Il faut porter plainte vite, plainte directement.",  # both pairs, not the phrase
            "Vous pouvez porter une plainte directement au procureur.",
            "Rien à voir.",
        ],
    )
    assert cue_starts(store, '"porter plainte directement"') == []  # "une" was said between: not this phrase
    assert cue_starts(store, '"porter une plainte directement"') == [1000]
    assert cue_starts(store, '"une plainte directement au procureur"') == [1000]
    assert cue_starts(store, '"porter plainte vite"') == [0]


def test_a_quoted_phrase_keeps_its_small_words(new_store):
    store = index_texts(
        new_store(),
        [
            "Le harcèlement en ligne est massif.",
            "Même hors ligne, la violence continue.",
            "Ce n'est pas une fatalité.",
            "C'est pas simple, même en ligne.",
            "Les contenus mis en avant par l'algorithme.",
            "Une ligne en avant.",
        ],
    )
    assert cue_starts(store, '"en ligne"') == [0, 3000]  # never "hors ligne"
    assert cue_starts(store, '"hors ligne"') == [1000]
    assert cue_starts(store, '"même en ligne"') == [3000]
    assert cue_starts(store, '"n\'est pas"') == [2000]  # the article typed is required: not "c'est pas"
    assert cue_starts(store, '"est pas"') == [2000, 3000]  # without it, either
    assert cue_starts(store, '"mise en avant"') == [4000]  # mise and mis share their stem; never "ligne en avant"
    assert cue_starts(store, '"ligne en avant"') == [5000]
    assert cue_starts(store, "en ligne") == cue_starts(store, "ligne")  # unquoted, small words are ignored


def test_an_elided_article_is_optional_unless_typed(new_store):
    store = index_texts(
        new_store(),
        [
            "Contre l'algorithme, rien.",
            "Un algorithme de tri.",
            "Le rôle d'algorithme caché.",
            "Le droit à l'oubli existe.",
            "Le fil d’actualité défile.",
        ],
    )
    assert cue_starts(store, '"algorithme"') == [0, 1000, 2000]
    assert cue_starts(store, '"l\'algorithme"') == [0]
    assert cue_starts(store, '"contre algorithme"') == [0]  # the article folds into its word
    assert cue_starts(store, '"contre l\'algorithme"') == [0]
    assert cue_starts(store, '"droit à l\'oubli"') == [3000]
    assert cue_starts(store, '"droit à d\'oubli"') == []
    assert cue_starts(store, '"fil d\'actualité"') == [4000]  # typed ' matches said ’
    assert cue_starts(store, "l'algorithme") == [0, 1000, 2000]  # unquoted: the article is a small word


def test_phrases_with_small_words_across_two_cues(new_store):
    store = index_texts(
        new_store(),
        [
            "Le harcèlement en",
            "ligne touche surtout les femmes.",
            "Puis des contenus mis",
            "en avant par les plateformes.",
            "Hors",
            "ligne aussi.",
        ],
    )
    assert cue_starts(store, '"en ligne"') == [0]  # at the first of the two cues
    assert cue_starts(store, '"harcèlement en ligne"') == [0]
    assert cue_starts(store, '"harcèlement en ligne touche"') == [0]
    assert cue_starts(store, '"mis en avant"') == [2000]
    assert cue_starts(store, '"en avant"') == [3000]  # within the next cue only, not again at the first
    assert cue_starts(store, '"hors ligne"') == [4000]
    assert cue_starts(store, '"en ligne aussi"') == []


def test_a_hyphenated_word_also_finds_it_written_in_one(new_store):
    store = index_texts(new_store(), ["Le cyberharcèlement est puni.", "Le cyber harcèlement aussi.", "Un e-mail reçu."])
    assert cue_starts(store, "cyber-harcèlement") == [0, 1000]
    assert cue_starts(store, "email") == []  # only the other way round: one word typed is not split
    assert cue_starts(store, "e-mail") == [2000]
