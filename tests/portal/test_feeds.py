"""Atom feeds over HTTP: the latest webinars, a theme's, a search's passages."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def _parse(response) -> ET.Element:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None and root.find(f"{ATOM}{required}").text
    return root


def _entries(root: ET.Element) -> list[dict]:
    return [
        {
            "id": e.findtext(f"{ATOM}id"),
            "title": e.findtext(f"{ATOM}title"),
            "updated": e.findtext(f"{ATOM}updated"),
            "link": e.find(f"{ATOM}link").get("href"),
            "content": e.findtext(f"{ATOM}content") or e.findtext(f"{ATOM}summary") or "",
            "categories": [c.get("term") for c in e.findall(f"{ATOM}category")],
        }
        for e in root.findall(f"{ATOM}entry")
    ]


def test_latest_webinars_feed_lists_the_published_webinars_newest_first(demo_app, make_webinar):
    client = demo_app.test_client()
    entries = _entries(_parse(client.get("/webinars.atom")))
    assert len(entries) == 4
    assert all(e["link"].startswith("http://localhost/webinars/") and e["id"] == e["link"] for e in entries)
    from portal.extensions import db
    from portal.models import Webinar

    with demo_app.app_context():
        newest_first = [w.title for w in db.session.query(Webinar).filter_by(published=True).order_by(Webinar.starts_at.desc())]
    assert [e["title"] for e in entries] == newest_first


def test_latest_webinars_feed_leaves_out_unpublished_webinars(demo_app):
    from portal.extensions import db
    from portal.models import Webinar

    with demo_app.app_context():
        webinar = db.session.query(Webinar).first()
        webinar.published = False
        hidden = webinar.title
        db.session.commit()
    titles = [e["title"] for e in _entries(_parse(demo_app.test_client().get("/webinars.atom")))]
    assert hidden not in titles and len(titles) == 3


def test_theme_feed_holds_only_that_themes_webinars(demo_client):
    entries = _entries(_parse(demo_client.get("/themes/law.atom")))
    assert entries
    assert all("law" in e["categories"] for e in entries)
    assert len(entries) < 4


def test_unknown_theme_feed_is_a_404_with_a_message(demo_client):
    response = demo_client.get("/themes/nope.atom")
    assert response.status_code == 404
    assert "Ce thème n'existe pas." in html.unescape(response.get_data(as_text=True))


def test_search_feed_has_one_entry_per_passage_with_its_moment_link(demo_client):
    root = _parse(demo_client.get("/search.atom?q=algorithme"))
    entries = _entries(root)
    assert entries
    for entry in entries:
        assert "?t=" in entry["link"] and "q=algorithme" in entry["link"]
        assert " · " in entry["title"]  # "Title · 12:34"
        assert "<mark>" in entry["content"]


def test_a_new_passage_appears_in_a_saved_search_feed(demo_app, make_webinar):
    client = demo_app.test_client()
    before = {e["id"] for e in _entries(_parse(client.get("/search.atom?q=zygomatique")))}
    assert before == set()
    make_webinar("nouveau", "WEBVTT\n\n00:01:05.000 --> 00:01:09.000\n<v Intervenante>Le muscle zygomatique sourit.\n")
    entries = _entries(_parse(client.get("/search.atom?q=zygomatique")))
    assert len(entries) == 1
    assert entries[0]["link"].startswith("http://localhost/webinars/nouveau?t=65")
    assert "Intervenante" in entries[0]["content"]


def test_search_feed_filters_by_theme(demo_client):
    everywhere = _entries(_parse(demo_client.get("/search.atom?q=plateformes")))
    in_law = _entries(_parse(demo_client.get("/search.atom?q=plateformes&theme=law")))
    assert in_law and len(in_law) < len(everywhere)


def test_search_feed_without_words_says_what_is_missing(demo_client):
    response = demo_client.get("/search.atom?q=+")
    assert response.status_code == 400
    assert "Indiquez les mots recherchés" in response.get_data(as_text=True)


def test_search_feed_escapes_the_words_typed(demo_client):
    response = demo_client.get("/search.atom?q=%3Cscript%3Ealgorithme")
    root = _parse(response)
    assert b"<script>" not in response.data
    assert root.findtext(f"{ATOM}title").startswith("« <script>algorithme »")  # the text, escaped in the XML


def test_search_feed_with_control_characters_in_the_words_is_still_a_feed(demo_client):
    root = _parse(demo_client.get("/search.atom?q=%00algorithme%1F&theme=%00"))
    assert "\x00" not in root.findtext(f"{ATOM}title")
    assert root.findtext(f"{ATOM}title").startswith("« algorithme »")


def test_pages_announce_their_feeds(demo_client):
    home = demo_client.get("/").get_data(as_text=True)
    assert 'type="application/atom+xml"' in home and 'href="/webinars.atom"' in home
    theme = demo_client.get("/themes/law").get_data(as_text=True)
    assert 'href="/themes/law.atom"' in theme
    search = demo_client.get("/search?q=algorithme&theme=law").get_data(as_text=True)
    assert 'href="/search.atom?q=algorithme&amp;theme=law"' in search
