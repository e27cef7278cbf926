import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_index.query import MAX_QUERY_CHARS, highlight, parse_query


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


def test_highlight_escapes_everything_but_marks():
    html = highlight("<script>alert(1)</script> le harcèlement & la haine", {"harcel"}, set())
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt; le <mark>harcèlement</mark> &amp; la haine"


def test_highlight_prefix_and_window():
    text = " ".join(["mot"] * 100 + ["discriminations"] + ["fin"] * 100)
    html = highlight(text, set(), {"discrimin"}, window=20)
    assert "<mark>discriminations</mark>" in html and html.startswith("… ") and html.endswith(" …")
    assert len(html.split()) < 30


def _index(tmp_path, texts):
    from search_index.documents import CueDoc, WebinarDoc
    from search_index.store import IndexStore

    store = IndexStore(tmp_path / "ix")
    cues = tuple(
        CueDoc(i + 1, 1, 1, i * 1000, i * 1000 + 900, text, "Intervenante", texts[i + 1] if i + 1 < len(texts) else "")
        for i, text in enumerate(texts)
    )
    store.rebuild([WebinarDoc(1, "w", "Titre", "Titre", ("law",), 0, 1, cues)])
    return store


def _starts(store, text):
    from search_index.query import SearchRequest, search

    result = search(store, SearchRequest(text=text, webinar_id=1, hits_per_page=50))
    return sorted(h.start_ms for g in result.groups for h in g.hits)


def test_phrases_within_and_across_cues_without_duplicates(tmp_path):
    store = _index(
        tmp_path,
        [
            "Vous pouvez aussi porter",
            "plainte directement auprès du procureur.",
            "Il faut porter plainte vite.",
            "Porter un regard, puis plainte.",
        ],
    )
    assert _starts(store, '"porter plainte"') == [0, 2000]  # across cues 1-2 (at the first), and within cue 3
    assert _starts(store, '"porter plainte directement"') == [0]  # three words across the boundary
    assert _starts(store, '"plainte directement"') == [1000]  # within cue 2 only, not again at cue 1
    assert _starts(store, '"plainte porter"') == []
    assert _starts(store, "porter plainte") == [2000, 3000]  # both words in one cue, any order
