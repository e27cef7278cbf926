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
    if q.strip("\x00 ") and data["total"] == 0:  # control characters are dropped: "\x00" is an empty search
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
    for encoding, ratio in (("br", 4), ("gzip", 3.5)):  # gzip: 3.99 on the demo page once it spoke two languages
        response = demo_client.get(URL, headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding and len(response.data) < len(plain) / ratio
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


def test_static_files_set_no_cookie_and_do_not_vary_by_cookie_even_for_a_signed_in_admin(demo_app):
    client = signed_in_client(demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")
    page = client.get(URL)
    assert "Cookie" in page.headers.get("Vary", "")  # a page may differ for a signed-in person
    with client.get("/static/css/portal.css") as static:
        assert static.status_code == 200
        assert "Cookie" not in static.headers.get("Vary", "") and "Set-Cookie" not in static.headers
    assert client.get("/account/password").status_code == 200  # still signed in


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


# -- a long transcript, one part at a time --------------------------------------------------------


def ten_lines() -> str:
    """Ten lines, one every 10 s (1–9 s, 11–19 s…), the word « saisine » only in the ninth."""
    lines = ["WEBVTT", ""]
    for i in range(10):
        word = "saisine" if i == 8 else "modération"
        start, end = 10 * i + 1, 10 * i + 9
        lines += [f"00:{start // 60:02d}:{start % 60:02d}.000 --> 00:{end // 60:02d}:{end % 60:02d}.000", f"<v Intervenante>Ligne {i} sur la {word}.", ""]
    return "\n".join(lines)


@pytest.fixture
def parted(app, make_webinar):
    """A webinar of ten lines on a portal that renders four lines per part: three parts."""
    from portal.services import indexing

    app.config["TRANSCRIPT_PART_CUES"] = 4
    make_webinar("long", transcript=ten_lines())
    with app.app_context():
        indexing.rebuild()
    return app.test_client()


def positions(html: str) -> list[int]:
    return [int(p) for p in re.findall(r'<li id="cue-(\d+)"', html)]


def test_a_long_transcript_is_rendered_one_part_at_a_time_with_links_to_the_next(parted):
    html = parted.get("/webinars/long").get_data(as_text=True)
    assert positions(html) == [0, 1, 2, 3]
    assert "Partie 1 sur 3 · 0:01–0:41" in html
    assert 'href="/webinars/long?part=2#transcript-panel" data-part="2" rel="next"' in html
    assert "Partie précédente" not in html
    assert 'data-part-starts="1000,41000,81000"' in html


def test_a_moment_opens_the_part_that_holds_its_line(parted):
    html = parted.get("/webinars/long?t=65").get_data(as_text=True)
    assert positions(html) == [4, 5, 6, 7]
    assert re.search(r'<li id="cue-6" class="cue current"[^>]*aria-current="true"', html)
    assert 'href="#cue-6"' in html  # "Aller à la réplique en cours"
    assert '<ol class="transcript" id="transcript" start="5">' in html
    assert "Partie précédente" in html and "Partie suivante" in html


def test_a_moment_in_the_silence_before_a_part_opens_that_part(parted):
    # 40.5 s: line 3 ended at 39 s, line 4 (the next part's first) starts at 41 s.
    html = parted.get("/webinars/long?t=40.5").get_data(as_text=True)
    assert positions(html) == [4, 5, 6, 7] and re.search(r'<li id="cue-4" class="cue current"', html)


def test_a_part_number_in_the_address_opens_that_part_and_odd_numbers_fall_back(parted):
    assert positions(parted.get("/webinars/long?part=3").get_data(as_text=True)) == [8, 9]
    assert positions(parted.get("/webinars/long?part=99").get_data(as_text=True)) == [8, 9]
    for odd in ("abc", "0", "-2", "²", "9" * 40):
        response = parted.get("/webinars/long", query_string={"part": odd})
        assert response.status_code == 200 and positions(response.get_data(as_text=True)) == [0, 1, 2, 3], odd


def test_a_part_asked_for_shows_no_line_as_current_when_the_moment_is_elsewhere(parted):
    html = parted.get("/webinars/long?t=65&part=1").get_data(as_text=True)
    assert positions(html) == [0, 1, 2, 3] and "cue current" not in html


def test_the_lines_of_one_part_are_served_alone_for_the_script(parted):
    response = parted.get("/webinars/long/transcript/part/2", query_string={"q": "modération"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and positions(html) == [4, 5, 6, 7]
    assert html.lstrip().startswith('<div class="transcript-part" id="transcript-part" data-part="2"')
    assert html.count("<mark>") == 4 and "<html" not in html
    for missing in ("0", "4", "99999999999999999999999"):
        assert parted.get(f"/webinars/long/transcript/part/{missing}").status_code == 404
    assert parted.get("/webinars/nope/transcript/part/1").status_code == 404


def test_without_javascript_a_passage_of_another_part_is_a_link_to_its_moment(parted):
    html = parted.get("/webinars/long", query_string={"q": "saisine"}).get_data(as_text=True)
    assert positions(html) == [0, 1, 2, 3]
    assert 'href="/webinars/long?t=81&amp;q=saisine#cue-8">Aller au passage de 1:21</a>' in html
    # and from the page it opens, the passage is an anchor of that page, with its words marked
    there = parted.get("/webinars/long?t=81&q=saisine").get_data(as_text=True)
    assert positions(there) == [8, 9] and 'href="#cue-8"' in there and "<mark>saisine</mark>" in there


def test_the_watch_page_of_a_very_long_transcript_stays_under_a_megabyte(app, make_webinar):
    lines = ["WEBVTT", ""]
    for i in range(6000):  # 8 h 20 of one line every 5 s
        start = i * 5
        lines += [f"{start // 3600:02d}:{start // 60 % 60:02d}:{start % 60:02d}.000 --> {start // 3600:02d}:{start // 60 % 60:02d}:{start % 60:02d}.900",
                  f"<v Intervenante>Réplique numéro {i} sur la modération des contenus haineux et les signalements.", ""]
    make_webinar("tres-long", transcript="\n".join(lines), duration_ms=6000 * 5000)
    client = app.test_client()
    for url in ("/webinars/tres-long", "/webinars/tres-long?t=7:00:00", "/webinars/tres-long/transcript/part/3"):
        response = client.get(url)
        assert response.status_code == 200 and len(response.data) < 1_000_000, (url, len(response.data))
    assert len(positions(client.get("/webinars/tres-long?t=7:00:00").get_data(as_text=True))) == 2000


def test_a_resource_pinned_just_before_a_part_begins_is_shown_in_that_part(app, parted):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Webinar
    from portal.services.resources import ResourceData, link_resource, save_resource

    with app.app_context():
        webinar = db.session.scalar(select(Webinar).filter_by(slug="long"))
        resource = save_resource(None, ResourceData(title="Fiche frontière", kind="other", url="https://example.org/fiche"))
        link_resource(resource, webinar, 40_500, "")  # in the silence before line 4, the first of part 2
    assert "Ressource : Fiche frontière" not in parted.get("/webinars/long?part=1").get_data(as_text=True)
    second = parted.get("/webinars/long?part=2").get_data(as_text=True)
    assert re.search(r'<li id="cue-4".*?Ressource : Fiche frontière.*?</li>', second, re.S)
