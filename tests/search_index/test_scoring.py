"""The fast scorer gives Whoosh's own scores and order, on an index with several segments and deleted documents."""

import random

import pytest

from search_index.documents import CueDoc, WebinarDoc
from search_index.parsing import parse_query
from search_index.query import expand_prefixes
from search_index.scoring import match_scores, ranked
from search_index.store import IndexStore

WORDS = ["plainte", "plaintes", "harcèlement", "réseaux", "réseau", "algorithme", "algorithmes", "juge", "preuve", "signaler", "modération", "porter", "discrimination"]


def _webinar(wid: int, version: int, rng: random.Random) -> WebinarDoc:
    cues = []
    for i in range(60):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 14)))  # lengths and term frequencies vary
        if i % 10 == 0:
            text = f"porter plainte juge {text}"
        cues.append(CueDoc(wid * 10_000 + version * 1000 + i, wid, version, i * 1000, i * 1000 + 900, text, "Intervenante"))
    return WebinarDoc(wid, f"w{wid}", f"Webinaire {wid}", "plainte en ligne", ("law",), 0, version, tuple(cues))


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    rng = random.Random(7)
    store = IndexStore(tmp_path_factory.mktemp("ix"))
    store.rebuild([_webinar(1, 1, rng), _webinar(2, 1, rng)])
    store.replace_webinar(_webinar(3, 1, rng))
    store.replace_webinar(_webinar(1, 2, rng))  # deleted documents in the first segment
    with store.searching() as searcher:
        assert len(searcher.reader().leaf_readers()) >= 2 and searcher.reader().has_deletions()
        yield searcher
    store.close()


@pytest.mark.parametrize(
    "text",
    [
        "plainte",  # both stem forms
        "réseaux",
        "harcelement",
        "plainte juge",  # And
        "plainte OR preuve",
        "plainte -juge",  # AndNot
        "algo*",  # an expanded prefix
        '"porter plainte"',  # one pair term
        '"porter plainte juge"',  # a longer phrase: its pairs, then the text checked
        "plainte -\"porter plainte\" OR signaler discrimin*",
        "motinconnu",
        "plainte motinconnu",
    ],
)
def test_scores_and_order_equal_whoosh(searcher, text):
    query = expand_prefixes(parse_query(text).query, searcher, [])
    expected = searcher.search(query, limit=None, terms=False).top_n
    got = ranked(match_scores(searcher, query))
    assert [docnum for _, docnum in got] == [docnum for _, docnum in expected]
    assert [score for score, _ in got] == pytest.approx([score for score, _ in expected], rel=1e-9)
    if text != "motinconnu" and "motinconnu" not in text:
        assert got, "the corpus was built so that every other query matches"
    leaves = searcher.reader().leaf_readers()
    deleted = {offset + d for leaf, offset in leaves for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)}
    assert deleted and not {docnum for _, docnum in got} & deleted


RARE = {126, 127, 128, 129, 254, 255, 256, 1000, 2999}  # around the ends of blocks, and the last document


@pytest.fixture(scope="module")
def long_searcher(tmp_path_factory):
    """Posting lists of many blocks (Whoosh writes 128 postings a block): a rare word skips most of them."""
    texts = [f"plainte numéro {i}" + (" juge" if i in RARE else "") + (" preuve" * (i % 3)) for i in range(3000)]
    cues = tuple(CueDoc(i + 1, 1, 1, i * 1000, i * 1000 + 900, text, "Intervenante") for i, text in enumerate(texts))
    store = IndexStore(tmp_path_factory.mktemp("long"))
    store.rebuild([WebinarDoc(1, "w1", "Titre", "Titre", ("law",), 0, 1, cues)])
    with store.searching() as searcher:
        yield searcher
    store.close()


@pytest.mark.parametrize("text", ["plainte juge", "juge plainte", "juge preuve plainte", "plainte -juge", "preuve -juge", "juge OR preuve"])
def test_rare_and_common_words_across_many_blocks_equal_whoosh(long_searcher, text):
    query = expand_prefixes(parse_query(text).query, long_searcher, [])
    expected = long_searcher.search(query, limit=None, terms=False).top_n
    got = ranked(match_scores(long_searcher, query))
    assert got and [docnum for _, docnum in got] == [docnum for _, docnum in expected]
    assert [score for score, _ in got] == pytest.approx([score for score, _ in expected], rel=1e-9)
