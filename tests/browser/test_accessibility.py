"""WCAG 2.1 AA on the home, catalogue, watch and search pages, checked by axe-core in Chromium."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser
OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}


@pytest.mark.parametrize(
    "url",
    ["/", "/webinars", "/webinars/session-2-loi?t=90", "/search?q=harc%C3%A8lement", "/search?q=zzzz", "/themes/law", "/webinars/n-existe-pas", "/resources/", "/resources/1", "/webinars/session-2-loi?start=60&end=90", "/login"],
)
@pytest.mark.parametrize("width", [1280, 360])
def test_no_serious_or_critical_violations(page, url, width):
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url)
    assert response.status == (404 if "n-existe-pas" in url else 200)
    results = Axe().run(page, options=OPTIONS)
    assert results.response["testEngine"]["name"] == "axe-core"
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in bad)
    assert not bad, report


def test_admin_pages_have_no_serious_or_critical_violations(page, demo_app):
    from tests.browser.conftest import browser_sign_in
    from tests.conftest import ADMIN_PASSWORD

    from portal.extensions import db
    from portal.models import User, Webinar
    from portal.services import clips

    browser_sign_in(page, demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")
    with demo_app.app_context():
        admin = db.session.query(User).filter_by(email="admin@example.org").one()
        kept = clips.create_clip(admin, db.session.query(Webinar).filter_by(slug="session-2-loi").one(), 60_000, 90_000, "Gardé").code
        trashed = clips.create_clip(admin, db.session.query(Webinar).filter_by(slug="session-2-loi").one(), 60_000, 90_000, "Jeté")
        clips.delete_clip(admin, trashed)
        trashed = trashed.code
    pages = ["/admin/", "/admin/webinars/new", "/admin/webinars/1", "/admin/webinars/1/transcripts", "/admin/users", "/admin/resources/new", "/admin/audit", "/clips"]
    pages += ["/clips/trash", f"/c/{kept}/delete", f"/c/{trashed}", "/admin/webinars/2/editor/", "/admin/webinars/2/media/"]
    for url in pages:
        assert page.goto(url).status == (410 if url == f"/c/{trashed}" else 200), url
        results = Axe().run(page, options=OPTIONS)
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, (url, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in bad])


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)], ids=["phone", "laptop"])
def test_watch_clip_collection_and_embed_pages_have_no_moderate_or_worse_violations(browser, demo_app, live_server, width, height):
    from portal.extensions import db
    from portal.models import User, Webinar
    from portal.services import clips
    from tests.browser.conftest import open_context, wait_until
    from tests.conftest import TRAINER_PASSWORD, _make_user

    _make_user(demo_app, "trainer@example.org", TRAINER_PASSWORD, "trainer")
    with demo_app.app_context():
        user = db.session.query(User).filter_by(email="trainer@example.org").one()
        webinar = db.session.query(Webinar).filter_by(slug="session-2-loi").one()
        clip = clips.create_clip(user, webinar, 60_120, 75_480, "Le DSA", "Pour l'atelier")
        collection = clips.create_collection(user, "Atelier", "Deux extraits.")
        clips.add_to_collection(user, collection, clip)
        clip_code, collection_code = clip.code, collection.code
    context = open_context(browser, live_server, viewport={"width": width, "height": height}, has_touch=width < 600, is_mobile=width < 600)
    page = context.new_page()
    urls = [
        "/webinars/session-2-loi?t=90",
        "/webinars/session-2-loi?t=90&q=plaintes",
        "/webinars/session-2-loi?start=60&end=90",
        f"/c/{clip_code}",
        f"/k/{collection_code}",
        f"/k/{collection_code}/kit",
        f"/embed/c/{clip_code}",
        "/embed/session-2-loi?start=60&end=90",
    ]
    for url in urls:
        assert page.goto(url).status == 200, url
        if page.locator(".watch").count():
            wait_until(page, "document.querySelector('.watch').getAttribute('data-player-ready') === 'true'")
        results = Axe().run(page, options=OPTIONS)
        bad = [v for v in results.response["violations"] if v["impact"] in ("moderate", "serious", "critical")]
        assert not bad, (url, [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in bad])
    context.close()
    assert not context.outside
