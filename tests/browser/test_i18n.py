"""The interface in a browser set to English: pages and scripts speak English, and the header's
switch (by keyboard) brings French back for the following pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.conftest import open_context, wait_until

pytestmark = pytest.mark.browser
PLAYER = "document.getElementById('player')"


def test_an_english_browser_gets_english_and_the_switch_brings_french_back(browser, live_server):
    context = open_context(browser, live_server, locale="en-GB", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/webinars")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator(".skip-link").inner_text() == "Skip to content"
    assert page.get_by_role("link", name="Webinars", exact=True).is_visible()
    switch = page.locator(".language-switch a")
    assert switch.inner_text() == "Français" and switch.get_attribute("lang") == "fr"
    assert switch.bounding_box()["y"] < 844  # on the first screen of a phone
    # Keyboard only: Tab until the switch has the focus, then Enter.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.closest('.language-switch') !== null"):
            break
    else:
        raise AssertionError("the language switch is not reachable with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/webinars")
    assert page.get_attribute("html", "lang") == "fr"
    page.goto("/")
    assert page.get_attribute("html", "lang") == "fr"  # remembered over the browser's English
    assert page.locator(".skip-link").inner_text() == "Aller au contenu"
    context.close()
    assert not context.outside


def test_the_scripts_speak_the_page_language(browser, live_server, demo_app):
    from portal.extensions import db
    from portal.models import Webinar
    from portal.services.content_notes import add_note

    with demo_app.app_context():
        add_note(db.session.scalar(select(Webinar).filter_by(slug="session-2-loi")), 60_000, 90_000, "Citation de propos racistes")
    for locale, expected, skip in (
        ("en-GB", "This passage contains: Citation de propos racistes (1:00–1:30).", "Skip to 1:30"),
        ("fr-FR", "Ce passage contient : Citation de propos racistes (1:00–1:30).", "Passer à 1:30"),
    ):
        context = open_context(browser, live_server, locale=locale)
        page = context.new_page()
        page.goto("/webinars/session-2-loi?t=0:50")
        wait_until(page, "document.querySelector('.watch').getAttribute('data-player-ready') === 'true'")
        page.evaluate("window.PortalWatch.seek(65, false)")
        page.evaluate(f"{PLAYER}.dispatchEvent(new Event('timeupdate'))")
        wait_until(page, "!document.getElementById('content-note-live').hidden")
        assert expected in page.inner_text("#content-note-live")
        assert page.inner_text("#content-note-live .skip-note") == skip
        context.close()
