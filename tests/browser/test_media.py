"""The demo media really plays in a browser, and a time link starts it at that moment."""

import pytest

from tests.browser.conftest import wait_until

pytestmark = pytest.mark.browser


def test_demo_media_plays(page):
    page.goto("/webinars/session-1-algorithmes")
    wait_until(page, "document.getElementById('player').readyState >= 1")
    duration = page.evaluate("document.getElementById('player').duration")
    assert 8 * 60 < duration < 15 * 60
    page.evaluate("document.getElementById('player').play()")
    wait_until(page, "document.getElementById('player').currentTime > 1.0", timeout=15)


def test_time_link_starts_the_media_at_that_moment_without_javascript_help(page):
    page.goto("/webinars/session-2-loi?t=90")
    wait_until(page, "document.getElementById('player').readyState >= 1")
    current = page.evaluate("document.getElementById('player').currentTime")
    assert abs(current - 90) < 0.5
    marked = page.locator(".cue.current")
    assert marked.count() == 1
    start_ms = int(marked.get_attribute("data-start-ms"))
    end_ms = int(marked.get_attribute("data-end-ms"))
    assert start_ms <= 90_000 <= end_ms + 1500
