import re

import pytest

from portal.extensions import db
from tests.conftest import SAMPLE_VTT


@pytest.mark.parametrize("url", ["/", "/webinars", "/webinars?theme=law", "/themes/algorithms", "/webinars/session-1-algorithmes"])
def test_public_pages_render_in_french_with_security_headers(demo_client, url):
    response = demo_client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert 'role="search"' in html  # the search box is in every page's header
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_page_references_another_origin(demo_client):
    for url in ["/", "/webinars", "/webinars/session-2-loi", "/search?q=DSA"]:
        html = demo_client.get(url).get_data(as_text=True)
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources and all(s.startswith(("/", "#")) for s in sources), [s for s in sources if not s.startswith(("/", "#"))]


def test_home_lists_themes_and_latest_webinars(demo_client):
    html = demo_client.get("/").get_data(as_text=True)
    for label in ("Algorithmes", "Droit", "Enquêtes", "Contentieux"):
        assert label in html
    assert "Focus sur les stratégies de contentieux" in html


def test_catalogue_theme_filter(demo_client):
    html = demo_client.get("/webinars?theme=investigations").get_data(as_text=True)
    assert "Stratégies d&#39;enquêtes" in html and "face à la loi" not in html
    unknown = demo_client.get("/webinars?theme=<script>").get_data(as_text=True)
    assert "Thème inconnu" in unknown and "<script>" not in unknown and "4 webinaires" in unknown


def test_watch_page_shows_everything_about_a_webinar(demo_client):
    html = demo_client.get("/webinars/session-1-algorithmes").get_data(as_text=True)
    assert "Comment les algorithmes des réseaux sociaux influencent-ils" in html
    assert "mardi 26 mars 2024 à 12:30" in html
    assert "Soizic Pénicaud" in html and "AI Forensics" in html
    assert "Contenu de démonstration" in html
    assert re.search(r'<audio id="player"[^>]+src="/media/[0-9a-f]{32}\.opus"', html)
    # the transcript travels once: in the page, not again as a captions track of an audio file
    assert "<track" not in html and "/webinars/session-1-algorithmes/transcript.vtt" in html
    assert html.count('class="cue') >= 100
    assert 'href="/webinars/session-1-algorithmes?t=' in html
    assert "Chapitres" in html


def test_session_4_says_speakers_are_not_announced(demo_client):
    html = demo_client.get("/webinars/session-4-contentieux").get_data(as_text=True)
    assert "pas encore annoncé" in html


def test_time_link_marks_the_cue_and_starts_the_media_there(demo_client):
    html = demo_client.get("/webinars/session-2-loi?t=90").get_data(as_text=True)
    assert "#t=90.000" in html
    current = re.search(r'<li id="cue-\d+" class="cue current" data-start-ms="(\d+)" data-end-ms="(\d+)"', html)
    assert current and int(current.group(1)) <= 90_000


@pytest.mark.parametrize("t, words", [("abc", "pas un temps reconnu"), ("99:00:00", "dépasse la durée"), ("-3", "pas un temps reconnu")])
def test_bad_time_link_is_explained_not_an_error(demo_client, t, words):
    response = demo_client.get(f"/webinars/session-2-loi?t={t}")
    assert response.status_code == 200
    assert words in response.get_data(as_text=True)


def test_unknown_slug_is_a_french_404(demo_client):
    response = demo_client.get("/webinars/n-existe-pas")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page introuvable" in html and "n'existe pas" in html.replace("&#39;", "'")
    assert demo_client.get("/themes/n-existe-pas").status_code == 404


def test_unpublished_webinar_is_not_shown(app, make_webinar):
    make_webinar("brouillon", transcript=SAMPLE_VTT, published=False)
    client = app.test_client()
    assert client.get("/webinars/brouillon").status_code == 404
    assert client.get("/webinars/brouillon/transcript.vtt").status_code == 404
    assert "brouillon" not in client.get("/webinars").get_data(as_text=True)


def test_transcript_downloads(demo_client):
    vtt = demo_client.get("/webinars/session-2-loi/transcript.vtt")
    assert vtt.status_code == 200 and vtt.headers["Content-Type"] == "text/vtt; charset=utf-8"
    body = vtt.get_data(as_text=True)
    assert body.startswith("WEBVTT") and "<v Animation>" in body
    txt = demo_client.get("/webinars/session-2-loi/transcript.txt?download=1")
    assert txt.headers["Content-Type"] == "text/plain; charset=utf-8" and "attachment" in txt.headers["Content-Disposition"]
    assert "[0:01] Animation" in txt.get_data(as_text=True)
    assert demo_client.get("/webinars/session-2-loi/transcript.pdf").status_code == 404


def test_exported_vtt_round_trips_through_ingestion(demo_client):
    from media_meta.vtt import parse_transcript

    body = demo_client.get("/webinars/session-3-enquetes/transcript.vtt").data
    parsed = parse_transcript(body, "x.vtt")
    assert len(parsed.cues) >= 100 and parsed.cues[0].speaker == "Animation"


def test_media_is_served_with_range_requests(demo_client):
    html = demo_client.get("/webinars/session-1-algorithmes").get_data(as_text=True)
    src = re.search(r'src="(/media/[0-9a-f]{32}\.opus)', html).group(1)
    with demo_client.get(src) as full, demo_client.get(src, headers={"Range": "bytes=100-199"}) as part:
        assert full.status_code == 200 and full.headers["Accept-Ranges"] == "bytes"
        assert part.status_code == 206 and len(part.data) == 100 and part.data == full.data[100:200]


def test_media_behind_nginx_is_checked_by_the_app_and_sent_by_nginx(demo_app):
    from portal.models import Webinar

    demo_app.config["MEDIA_ACCEL_REDIRECT"] = "/_media/"
    client = demo_app.test_client()
    html = client.get("/webinars/session-1-algorithmes").get_data(as_text=True)
    src = re.search(r'src="/media/([0-9a-f]{32}\.opus)', html).group(1)
    response = client.get(f"/media/{src}")
    assert response.status_code == 200 and response.data == b""
    assert response.headers["X-Accel-Redirect"] == f"/_media/{src}"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    with demo_app.app_context():
        db.session.query(Webinar).filter_by(media_src=src).update({"published": False})
        db.session.commit()
    hidden = client.get(f"/media/{src}")
    assert hidden.status_code == 404 and "X-Accel-Redirect" not in hidden.headers


@pytest.mark.parametrize("name", ["../portal.sqlite3", "..%2Fportal.sqlite3", "x.opus", "0" * 32 + ".opus"])
def test_media_route_refuses_anything_but_stored_names(demo_client, name):
    assert demo_client.get(f"/media/{name}").status_code == 404


def test_cue_text_is_escaped_on_the_watch_page(app, make_webinar):
    evil = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Mallory>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;\n"
    make_webinar("xss", transcript=evil)
    html = app.test_client().get("/webinars/xss").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
