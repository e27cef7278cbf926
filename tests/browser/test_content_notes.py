"""A content note in the browser: playback reaching the passage shows what it holds, "Passer" jumps past it,
the transcript's link skips without reloading, and the page is whole without JavaScript."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.conftest import open_context, wait_until

pytestmark = pytest.mark.browser
PLAYER = "document.getElementById('player')"


@pytest.fixture
def noted(demo_app):
    from portal.extensions import db
    from portal.models import Webinar
    from portal.services.content_notes import add_note

    with demo_app.app_context():
        add_note(db.session.scalar(select(Webinar).filter_by(slug="session-2-loi")), 60_000, 90_000, "Citation de propos racistes")
    return demo_app


def test_playback_reaching_a_noted_passage_offers_to_skip_it(browser, live_server, noted):
    context = open_context(browser, live_server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/webinars/session-2-loi?t=0:50")
    wait_until(page, "document.querySelector('.watch').getAttribute('data-player-ready') === 'true'")
    assert page.locator("#content-note-live").is_hidden()
    page.evaluate("window.PortalWatch.seek(65, false)")
    page.evaluate(f"{PLAYER}.dispatchEvent(new Event('timeupdate'))")
    wait_until(page, "!document.getElementById('content-note-live').hidden")
    assert "Ce passage contient : Citation de propos racistes (1:00–1:30)." in page.inner_text("#content-note-live")
    box = page.locator("#content-note-live").bounding_box()
    assert box["y"] + box["height"] <= 844  # on the first screen of a phone, beside the player
    page.click("#content-note-live .skip-note")
    wait_until(page, f"{PLAYER}.currentTime >= 89.9")
    assert page.locator("#content-note-live").is_hidden()
    assert page.url.endswith("?t=0:50") or "t=" in page.url  # no page load: still the same document
    # the transcript's own link skips too, without a page load
    page.evaluate("window.PortalWatch.seek(10, false)")
    marker = page.evaluate("window.__marker = 1")  # noqa: F841
    page.locator(".content-note .skip-note").first.click()
    wait_until(page, f"{PLAYER}.currentTime >= 89.9")
    assert page.evaluate("window.__marker") == 1
    context.close()


def test_without_javascript_landing_inside_the_passage_says_so_and_the_link_skips(browser, live_server, noted):
    context = open_context(browser, live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/webinars/session-2-loi?t=1:10")
    assert page.locator("#content-note-live").is_visible()
    with page.expect_navigation():
        page.click("#content-note-live .skip-note")
    assert page.url.endswith("?t=90")
    assert page.locator("#content-note-live").is_hidden()
    context.close()
