"""What search engines read: JSON-LD of recordings (chapters as Clip parts, SeekToAction) and clips, the sitemap, robots.txt."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from sqlalchemy import select

from portal.extensions import db
from portal.models import Webinar

# The schema.org properties this portal writes, each checked against its type's definition
# (https://schema.org/VideoObject, /AudioObject, /Clip, /SeekToAction: own and inherited properties).
SCHEMA_ORG = {
    "VideoObject": {"name", "description", "uploadDate", "duration", "thumbnailUrl", "transcript", "hasPart", "potentialAction", "contentUrl", "embedUrl", "inLanguage", "url"},
    "AudioObject": {"name", "description", "uploadDate", "duration", "transcript", "hasPart", "potentialAction", "contentUrl", "embedUrl", "inLanguage", "url"},
    "Clip": {"name", "startOffset", "endOffset", "url", "isPartOf"},
    "SeekToAction": {"target", "startOffset-input"},
}


def json_ld(html: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def check_vocabulary(node):
    if isinstance(node, list):
        for item in node:
            check_vocabulary(item)
    elif isinstance(node, dict):
        kind = node.get("@type")
        if kind:
            unknown = set(node) - {"@context", "@type"} - SCHEMA_ORG[kind]
            assert not unknown, f"{kind}: {unknown}"
        for value in node.values():
            check_vocabulary(value)


def test_a_watch_page_describes_its_recording_with_chapters_as_clips_and_a_seek_action(demo_client):
    data = json_ld(demo_client.get("/webinars/session-2-loi").get_data(as_text=True))
    check_vocabulary(data)
    assert data["@context"] == "https://schema.org" and data["@type"] == "AudioObject"  # the demo is audio (Opus)
    assert data["name"].startswith("La haine, le harcèlement") and data["duration"] == "PT12M30S"
    assert data["potentialAction"]["target"].endswith("/webinars/session-2-loi?t={seek_to_second_number}")
    parts = data["hasPart"]
    assert len(parts) == 6 and all(p["@type"] == "Clip" for p in parts)
    assert parts[1]["startOffset"] == 56.71 and parts[1]["endOffset"] == parts[2]["startOffset"]
    assert parts[1]["url"].endswith("/webinars/session-2-loi?t=56.71")  # the same second as the offset
    assert parts[-1]["endOffset"] == 750
    assert "Ce qui est interdit hors ligne est aussi interdit en ligne" in data["transcript"]
    assert data["contentUrl"].startswith("http://") and data["uploadDate"].startswith("2024-04-25")


def test_json_ld_cannot_be_broken_out_of_by_a_title(app, make_webinar, client):
    make_webinar("piege", title="</script><script>alert(1)</script>")
    html = client.get("/webinars/piege").get_data(as_text=True)
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["name"] == "</script><script>alert(1)</script>"


def test_sitemap_lists_published_pages_only_and_robots_points_to_it(demo_app, demo_client):
    with demo_app.app_context():
        webinar = db.session.scalar(select(Webinar).filter_by(slug="session-3-enquetes"))
        webinar.published = False
        db.session.commit()
    response = demo_client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.get_data())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [u.find("s:loc", ns).text for u in root.findall("s:url", ns)]
    assert any(loc.endswith("/webinars/session-2-loi") for loc in locs)
    assert not any("session-3-enquetes" in loc for loc in locs)
    assert all(u.find("s:lastmod", ns) is not None for u in root.findall("s:url", ns))
    robots = demo_client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /admin/" in robots and re.search(r"^Sitemap: http://\S+/sitemap.xml$", robots, re.M)


def test_a_saved_clip_is_a_clip_of_its_recording(demo_app):
    from tests.conftest import TRAINER_PASSWORD, csrf_token, signed_in_client

    trainer = signed_in_client(demo_app, "trainer@example.org", TRAINER_PASSWORD, "trainer")
    token = csrf_token(trainer, "/webinars/session-2-loi")
    code = trainer.post("/api/v1/clips", json={"webinar": "session-2-loi", "start_ms": 60_500, "end_ms": 90_200, "title": "Le principe"},
                        headers={"X-CSRFToken": token}).get_json()["code"]
    data = json_ld(demo_app.test_client().get(f"/c/{code}").get_data(as_text=True))
    check_vocabulary(data)
    assert data["@type"] == "Clip" and data["startOffset"] == 60.5 and data["endOffset"] == 90.2
    assert data["isPartOf"]["url"].endswith("/webinars/session-2-loi")
    assert any(loc.endswith(f"/c/{code}") for loc in re.findall(r"<loc>([^<]+)</loc>", demo_app.test_client().get("/sitemap.xml").get_data(as_text=True)))
