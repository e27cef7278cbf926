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
