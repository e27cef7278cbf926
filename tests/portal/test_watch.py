"""The watch page through HTTP: its search inside the recording (JSON and without JavaScript), the
spoken line of a moment, what a page without media or speakers leaves out, languages, weight."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ADMIN_PASSWORD, SAMPLE_VTT, signed_in_client

URL = "/webinars/session-2-loi"


def within(client, slug="session-2-loi", **params):
    response = client.get(f"/api/v1/webinars/{slug}/search", query_string=params)
    return response.status_code, response.get_json()


# -- search inside one recording: the JSON endpoint -----------------------------------------------


def test_search_in_a_webinar_finds_plural_and_singular_in_time_order_with_their_marks(demo_client):
    status, data = within(demo_client, q="plaintes")
    assert status == 200 and data["webinar"] == "session-2-loi" and data["query"] == "plaintes"
    assert data["total"] == len(data["hits"]) > 3
    starts = [h["start_ms"] for h in data["hits"]]
    assert starts == sorted(starts)
    html = demo_client.get(URL).get_data(as_text=True)
    words = set()
    for hit in data["hits"]:
        text = re.search(rf'<li id="cue-{hit["cue"]}"[^>]*data-start-ms="{hit["start_ms"]}".*?<span class="cue-text">(.*?)</span>', html, re.S).group(1)
        text = text.replace("&#39;", "'").replace("&amp;", "&").replace("&quot;", '"')
        words |= {text[s:e].lower() for s, e in hit["marks"]}
        assert hit["url"] == f"{URL}?t={hit['start_ms'] / 1000:g}&q=plaintes"
    assert {"plainte", "plaintes"} <= words
    assert data["search_all_url"] == "/search?q=plaintes"


def test_search_in_a_webinar_ignores_accents_and_knows_phrases_and_prefixes(demo_client):
    accented = within(demo_client, q="harcèlement")[1]["total"]
    assert accented and within(demo_client, q="harcelement")[1]["total"] == accented
    assert within(demo_client, q='"porter plainte"')[1]["total"] >= 1
    assert within(demo_client, q="signal*")[1]["total"] >= within(demo_client, q="signalement")[1]["total"]
    # the same webinar only
    other = within(demo_client, slug="session-1-algorithmes", q="plaintes")[1]
    assert {h["cue"] for h in other["hits"]}.isdisjoint({-1}) and other["webinar"] == "session-1-algorithmes"


def test_marks_count_in_utf16_units_as_javascript_does(app, make_webinar):
    from portal.services import indexing

    make_webinar("emoji", transcript="WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n🙂 Elle a porté plainte hier.\n")
    with app.app_context():
        indexing.rebuild()
    _, data = within(app.test_client(), slug="emoji", q="plainte")
    (hit,) = data["hits"]
    text = "🙂 Elle a porté plainte hier."
    start, end = hit["marks"][0]
    assert text.encode("utf-16-le")[start * 2 : end * 2].decode("utf-16-le") == "plainte"


@pytest.mark.parametrize("q", ["", "   ", '"', "-", "*", "le de la", "a" * 2000, "\x00", "NOT", "OR OR", "zorglub", "<script>"])
def test_any_query_in_a_webinar_gets_an_answer(demo_client, q):
    status, data = within(demo_client, q=q)
    assert status == 200 and data["total"] == len(data["hits"])
    if q.strip() and data["total"] == 0:
        assert data["notices"] or data["suggestion"] is not None or q == "zorglub" or q == "<script>"


def test_search_in_an_unknown_or_unpublished_webinar_is_a_json_404(app, make_webinar):
    make_webinar("brouillon", transcript=SAMPLE_VTT, published=False)
    client = app.test_client()
    for slug in ("brouillon", "n-existe-pas"):
        status, data = within(client, slug=slug, q="plainte")
        assert status == 404 and "n'existe pas" in data["error"]["message"]


# -- the same without JavaScript: the watch page with ?q= ------------------------------------------


def test_watch_page_with_a_query_marks_its_hits_lists_them_and_puts_them_on_the_timeline(demo_client):
    _, data = within(demo_client, q="plaintes")
    html = demo_client.get(URL, query_string={"q": "plaintes", "t": "90"}).get_data(as_text=True)
    assert 'name="q" value="plaintes"' in html and '<input type="hidden" name="t" value="90">' in html
    assert f"{data['total']} passages" in html
    listed = re.findall(r'<li><a href="#cue-(\d+)">', html.split('class="hit-times"', 1)[1].split("</ol>", 1)[0])
    assert [int(p) for p in listed] == [h["cue"] for h in data["hits"]]
    after = next(h for h in data["hits"] if h["start_ms"] >= 89_500)
    assert f'<a href="#cue-{after["cue"]}">Aller au passage de' in html and "(le premier à partir de 1:30)" in html
    marked_cues = re.findall(r'<li id="cue-(\d+)"(?:(?!</li>).)*<mark>', html, re.S)
    assert sorted(map(int, marked_cues)) == sorted(h["cue"] for h in data["hits"])
    markers = html.split('<g class="hit-marks">', 1)[1].split("</g>", 1)[0]
    assert markers.count("<rect") == data["total"]
    assert 'href="/search?q=plaintes"' in html


def test_watch_page_query_without_hits_says_so_and_suggests(demo_client):
    html = demo_client.get(URL, query_string={"q": "harcelemnt"}).get_data(as_text=True)
    assert "Aucun passage pour « harcelemnt »" in html and "Vouliez-vous dire" in html
    assert "harcelement" in html.split("Vouliez-vous dire", 1)[1][:300]


def test_query_is_escaped_on_the_watch_page(demo_client):
    html = demo_client.get(URL, query_string={"q": '"><script>alert(1)</script>'}).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


# -- the moment and its line --------------------------------------------------------------------


def test_a_moment_in_the_silence_before_a_line_belongs_to_that_line(app, make_webinar):
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nPremière.\n\n00:00:05.120 --> 00:00:08.000\nDeuxième.\n\n00:00:20.000 --> 00:00:22.000\nTroisième.\n"
    make_webinar("silences", transcript=vtt)
    client = app.test_client()

    def current(t: str) -> str:
        html = client.get(f"/webinars/silences?t={t}").get_data(as_text=True)
        return re.search(r'class="cue current"[^>]*data-start-ms="(\d+)"', html).group(1)

    assert current("3") == "1000"  # during the first line
    assert current("4.5") == "5120"  # 0.6 s before the second: the second
    assert current("9") == "5120"  # a long silence: still the last line said
    assert current("0.5") == "1000"  # before anything is said, the first line if it is close


def test_chapter_being_played_is_named_and_marked_on_the_timeline(demo_client):
    html = demo_client.get(URL, query_string={"t": "200"}).get_data(as_text=True)  # chapter 3 starts at 3:11
    assert re.search(r'<a class="chapter current" href="[^"]+t=191', html)
    assert "3/6 · La responsabilité des plateformes et le DSA" in html
    assert html.count('<a class="chapter') == 6
    # each segment spans its chapter and is 24 px tall (the SVG is drawn 1:1 vertically)
    assert html.count('height="24"') == 6


# -- what a page without media, speakers or French leaves out or says -------------------------------


def test_webinar_without_media_or_speakers_shows_no_media_tools_and_no_empty_heading(app, make_webinar):
    make_webinar("sans-media", transcript=SAMPLE_VTT)
    html = app.test_client().get("/webinars/sans-media?t=5").get_data(as_text=True)
    assert "L'enregistrement n'est pas encore disponible" in html
    for absent in ('id="copy-now"', 'id="follow"', "Raccourcis clavier", 'id="listen"', "Créer un extrait", "Intervenant·es"):
        assert absent not in html, absent
    assert 'id="within-q"' in html and 'class="cue current"' in html


def test_english_webinar_text_carries_its_language(app, make_webinar):
    make_webinar("english", transcript="WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nWelcome to this webinar.\n", language="en", title="Online hate")
    html = app.test_client().get("/webinars/english").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert '<h1 id="watch-title" lang="en">Online hate</h1>' in html
    assert re.search(r'<ol class="transcript" id="transcript" lang="en"', html)


def test_player_is_named_after_the_webinar_and_video_captions_load_only_on_demand(app, make_webinar):
    make_webinar("video", transcript=SAMPLE_VTT, media_kind="url", media_src="https://media.example.org/v.mp4", media_type="video/mp4")
    html = app.test_client().get("/webinars/video").get_data(as_text=True)
    assert re.search(r'<video id="player" class="player" controls preload="metadata" aria-label="Webinaire video"', html)
    track = re.search(r"<track [^>]+>", html).group(0)
    assert 'kind="captions"' in track and "default" not in track


def test_search_hits_open_the_watch_page_with_the_query(demo_client):
    data = demo_client.get("/api/v1/search?q=signalement").get_json()
    assert all("&q=signalement" in h["url"] for w in data["webinars"] for h in w["hits"])


# -- weight: compressed, cacheable ------------------------------------------------------------


def test_pages_and_assets_are_compressed(demo_client):
    plain = demo_client.get(URL).data
    assert "Set-Cookie" not in demo_client.get(URL).headers or "session=" not in demo_client.get(URL).headers["Set-Cookie"]
    for encoding in ("br", "gzip"):
        response = demo_client.get(URL, headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding and len(response.data) < len(plain) / 4
        assert "Accept-Encoding" in response.headers["Vary"]
    with demo_client.get(re.search(r'href="(/static/css/portal.css\?v=\w+)"', plain.decode()).group(1), headers={"Accept-Encoding": "br"}) as css:
        assert css.headers["Content-Encoding"] == "br"


def test_static_files_under_their_content_hash_are_cached_for_a_year(demo_client):
    html = demo_client.get(URL).get_data(as_text=True)
    src = re.search(r'src="(/static/js/watch.js\?v=(\w{12}))"', html).group(1)
    with demo_client.get(src) as response:
        assert response.status_code == 200
        assert "immutable" in response.headers["Cache-Control"] and "max-age=31536000" in response.headers["Cache-Control"]
    with demo_client.get("/static/js/watch.js?v=000000000000") as stale:
        assert "immutable" not in stale.headers.get("Cache-Control", "")


def test_pages_holding_a_csrf_token_are_not_compressed(demo_app):
    # BREACH: a secret and reflected input must not share a compressed response.
    client = signed_in_client(demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")
    response = client.get(URL, query_string={"q": "plainte"}, headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200 and 'name="csrf_token"' in response.get_data(as_text=True)
    assert "Content-Encoding" not in response.headers


def test_static_hashes_are_only_of_files_in_the_static_folder(demo_client, demo_app):
    from portal import delivery

    for name in ("..%2F..%2F..%2F..%2Fetc%2Fhostname", "..%2Fviews%2Fpublic.py", "js%2F..%2F..%2F__init__.py"):
        with demo_client.get(f"/static/{name}?v=000000000000") as response:
            assert response.status_code == 404
    static = demo_app.static_folder
    assert all(path.startswith(static) for path in delivery._digests)
    with demo_app.test_request_context():
        assert delivery._digest("../views/public.py") is None and delivery._digest("js/nope.js") is None


def test_one_live_region_and_no_duplicate_ids_for_a_signed_in_admin(demo_app):
    client = signed_in_client(demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")
    html = client.get(URL, query_string={"t": "abc"}).get_data(as_text=True)  # a notice about the time, too
    assert "pas un temps reconnu" in html
    assert html.count("aria-live") == 1 and 'role="alert"' not in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_search_in_a_webinar_reads_only_the_matching_lines(demo_app):
    from sqlalchemy import event

    from portal.extensions import db

    client = demo_app.test_client()
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with demo_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        status, data = within(client, q="Pharos")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert status == 200 and data["total"] > 0
    cue_reads = [s for s in statements if "FROM cues" in s]
    assert cue_reads and all(" IN " in s for s in cue_reads)
