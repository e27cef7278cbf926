"""Clips in a real browser: segment links stop at their end, the clip maker builds them, clip pages and collections play."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import browser_sign_in, wait_until
from tests.conftest import TRAINER_PASSWORD, _make_user

pytestmark = pytest.mark.browser
PLAYER = "document.getElementById('player')"


def play_and_wait_for_pause(page, start: float, end: float):
    wait_until(page, "document.querySelector('.watch').getAttribute('data-player-ready') === 'true'")
    wait_until(page, f"Math.abs({PLAYER}.currentTime - {start}) < 0.5")
    page.evaluate(f"{PLAYER}.play()")
    wait_until(page, f"!{PLAYER}.paused")
    wait_until(page, f"{PLAYER}.paused", timeout=(end - start) + 10)
    stopped = page.evaluate(f"{PLAYER}.currentTime")
    assert abs(stopped - end) < 0.5, stopped


def test_segment_link_plays_from_start_and_pauses_at_end(page):
    page.goto("/webinars/session-2-loi?start=60&end=63")
    play_and_wait_for_pause(page, 60, 63)
    wait_until(page, "document.getElementById('announcer').textContent.includes('Fin de l')")


def test_clip_maker_builds_a_link_that_plays_that_segment(page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.goto("/webinars/session-1-algorithmes?t=30")
    wait_until(page, "document.querySelector('.watch').getAttribute('data-player-ready') === 'true'")
    page.click("#clip-maker summary")
    page.click("button[data-clip=now][data-target=start]")
    assert page.input_value("#clip-start") == "0:30"
    page.fill("#clip-end", "0:32")
    page.click("button[data-clip=plus][data-target=end]")
    page.click("button[data-clip=plus][data-target=end]")
    page.click("button[data-clip=minus][data-target=end]")
    assert page.input_value("#clip-end") == "0:33"
    page.click("button[data-clip=copy]")
    wait_until(page, "navigator.clipboard.readText().then(t => t.includes('?start='))")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == f"{live_server}/webinars/session-1-algorithmes?start=30&end=33"
    # choosing the first and last cue in the transcript
    page.click("button[data-clip=pick][data-target=start]")
    cue = page.locator("#transcript .cue").nth(4)
    cue.locator("a.ts").click()
    start_ms = int(cue.get_attribute("data-start-ms"))
    precise = f"{start_ms // 60000}:{start_ms // 1000 % 60:02d}" + (f".{start_ms % 1000:03d}".rstrip("0") if start_ms % 1000 else "")
    assert page.input_value("#clip-start") == precise
    page.goto(link.replace(live_server, ""))
    play_and_wait_for_pause(page, 30, 33)


def test_saved_clip_page_embed_and_oembed(page, demo_app, live_server):
    browser_sign_in(page, demo_app, "trainer@example.org", TRAINER_PASSWORD, "trainer")
    page.goto("/webinars/session-2-loi?start=90&end=93")
    page.click("#clip-maker summary")
    page.fill("#clip-title", "Ce que dit le DSA")
    page.click("button:has-text(\"Enregistrer l'extrait\")")
    page.wait_for_url(re.compile(r".*/c/[2-9a-z]{8}$"))
    code = page.url.rsplit("/", 1)[1]
    assert "Ce que dit le DSA" in page.locator("h1").text_content()
    play_and_wait_for_pause(page, 90, 93)
    page.goto(f"/embed/c/{code}")
    play_and_wait_for_pause(page, 90, 93)
    oembed = page.request.get(f"{live_server}/oembed?url={live_server}/c/{code}&format=json").json()
    assert f"/embed/c/{code}" in oembed["html"]


def test_collection_plays_its_clips_in_order(page, demo_app):
    from portal.extensions import db
    from portal.models import User, Webinar
    from portal.services import clips

    _make_user(demo_app, "trainer@example.org", TRAINER_PASSWORD, "trainer")
    with demo_app.app_context():
        user = db.session.query(User).filter_by(email="trainer@example.org").one()
        s1 = db.session.query(Webinar).filter_by(slug="session-1-algorithmes").one()
        s2 = db.session.query(Webinar).filter_by(slug="session-2-loi").one()
        first = clips.create_clip(user, s2, 40_000, 42_000, "Un")
        second = clips.create_clip(user, s1, 20_000, 22_000, "Deux")
        collection = clips.create_collection(user, "Atelier")
        clips.add_to_collection(user, collection, first)
        clips.add_to_collection(user, collection, second)
        code = collection.code
    page.goto(f"/k/{code}")
    assert page.evaluate("document.getElementById('collection-player').controls") is False
    page.click("#collection-play")
    wait_until(page, "document.getElementById('collection').getAttribute('data-current') === '0'")
    wait_until(page, "!document.getElementById('collection-player').paused")
    first_src = page.evaluate("document.getElementById('collection-player').src")
    wait_until(page, "document.getElementById('collection').getAttribute('data-current') === '1'", timeout=15)
    wait_until(page, "Math.abs(document.getElementById('collection-player').currentTime - 20) < 1.5", timeout=10)
    assert page.evaluate("document.getElementById('collection-player').src") != first_src
    assert page.locator(".seg-time").inner_text().endswith("/ 0:02")  # the bar spans the clip being played
    wait_until(page, "document.getElementById('collection').getAttribute('data-finished') === 'true'", timeout=15)
    assert abs(page.evaluate("document.getElementById('collection-player').currentTime") - 22) < 0.5
    # its own previous/next buttons move between clips
    page.click(".seg-prev")
    wait_until(page, "document.getElementById('collection').getAttribute('data-current') === '0'")
    wait_until(page, "Math.abs(document.getElementById('collection-player').currentTime - 40) < 1.5")
    assert page.locator(".seg-prev").is_disabled()
    page.click(".seg-next")
    wait_until(page, "document.getElementById('collection').getAttribute('data-current') === '1'")
    assert page.locator(".seg-next").is_disabled()
    assert page.locator("[aria-live]").count() == 1


def test_clip_page_and_embed_show_the_clips_own_span(page, demo_app):
    from portal.extensions import db
    from portal.models import User, Webinar
    from portal.services import clips

    _make_user(demo_app, "trainer@example.org", TRAINER_PASSWORD, "trainer")
    with demo_app.app_context():
        user = db.session.query(User).filter_by(email="trainer@example.org").one()
        webinar = db.session.query(Webinar).filter_by(slug="session-2-loi").one()
        code = clips.create_clip(user, webinar, 90_120, 93_480, "Trois secondes").code
    for url in (f"/c/{code}", f"/embed/c/{code}"):
        page.goto(url)
        wait_until(page, "document.querySelector('.watch').getAttribute('data-player-ready') === 'true'")
        assert page.evaluate(f"{PLAYER}.controls") is False  # the whole recording's bar is replaced
        assert page.locator(".segbar").is_visible()
        assert page.locator(".seg-time").inner_text() == "0:00 / 0:03"
        assert page.get_attribute(".seg-range", "max") == "34" and page.input_value(".seg-range") == "0"
        page.click(".seg-play")
        wait_until(page, f"!{PLAYER}.paused")
        wait_until(page, f"{PLAYER}.paused", timeout=10)
        assert abs(page.evaluate(f"{PLAYER}.currentTime") - 93.48) < 0.3
        assert page.locator(".seg-time").inner_text() == "0:03 / 0:03"
        page.click(".seg-play")  # from the end, the clip plays again from its start
        wait_until(page, f"!{PLAYER}.paused && {PLAYER}.currentTime < 92")
        page.evaluate(f"{PLAYER}.pause()")
    assert page.locator("h1").count() == 1  # the embed has its heading too


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus (the keyboard alone)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement === document.querySelector({selector!r})"):
            return
    raise AssertionError(f"{selector} never got the focus")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_deleting_and_restoring_a_clip_with_the_keyboard_alone(browser, live_server, demo_app, javascript):
    from tests.browser.conftest import open_context

    context = open_context(browser, live_server, java_script_enabled=javascript, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        browser_sign_in(page, demo_app, "trainer@example.org", TRAINER_PASSWORD, "trainer")
        page.goto("/webinars/session-2-loi?start=1:00&end=1:30&clip=1")
        page.fill("#clip-title", "À supprimer puis retrouver")
        with page.expect_navigation():
            page.click("#clip-save button[type=submit]")
        clip_url = page.url
        _tab_to(page, "a.danger-link")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/delete") and "Mettre à la corbeille" in page.content()
        _tab_to(page, "button.danger-button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/clips/trash")
        assert "mis à la corbeille" in page.locator(".flash").first.inner_text()
        response = page.request.get(clip_url)
        assert response.status == 410
        _tab_to(page, "form[action$='/restore'] button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == clip_url and "restauré" in page.content()
    finally:
        context.close()
