"""The words a query matched, marked in the text shown, and where they are."""

from search_index.highlighting import highlight


def test_highlight_escapes_everything_but_marks():
    html = highlight("<script>alert(1)</script> le harcèlement & la haine", {"harcel"}, set())
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt; le <mark>harcèlement</mark> &amp; la haine"


def test_highlight_prefix_and_window():
    text = " ".join(["mot"] * 100 + ["discriminations"] + ["fin"] * 100)
    html = highlight(text, set(), {"discrimin"}, window=20)
    assert "<mark>discriminations</mark>" in html and html.startswith("… ") and html.endswith(" …")
    assert len(html.split()) < 30


def test_match_spans_are_the_matched_words_offsets():
    from search_index.highlighting import match_spans

    text = "Les plaintes, la plainte ; l'algorithme."
    spans = match_spans(text, {"plaint"}, {"algo"})
    assert [text[s:e] for s, e in spans] == ["plaintes", "plainte", "algorithme"]
