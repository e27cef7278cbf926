"""The watch page with JavaScript turned off: time links, the line's anchor, the search fallback, clip links."""

from __future__ import annotations

import pytest

from demo.synthetic import cue_text, cue_times
from tests.browser.conftest import open_context, wait_until

pytestmark = pytest.mark.browser
PLAYER = "document.getElementById('player')"
URL = "/webinars/session-longue"


@pytest.fixture(params=[(390, 844), (1280, 800)], ids=["phone", "laptop"])
def nojs_page(request, browser, long_server):
    width, height = request.param
    context = open_context(browser, long_server, viewport={"width": width, "height": height}, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()
    assert not context.outside


def on_screen(page, selector: str) -> bool:
    return page.evaluate(
        "(s) => { const r = document.querySelector(s).getBoundingClientRect(); const stage = document.getElementById('stage').getBoundingClientRect();"
        " const pinned = getComputedStyle(document.getElementById('stage')).position === 'sticky' && !document.getElementById('stage').contains(document.querySelector(s));"
        " const top = pinned ? stage.bottom : 0;"
        " return r.height > 0 && r.top >= top - 1 && r.bottom <= innerHeight; }",
        selector,
    )


def test_time_link_starts_the_media_there_and_the_line_is_one_link_away(nojs_page):
    nojs_page.goto(f"{URL}?t=45:00")
    assert nojs_page.evaluate("document.documentElement.classList.contains('js')") is False
    wait_until(nojs_page, f"{PLAYER}.readyState >= 1")
    assert abs(nojs_page.evaluate(f"{PLAYER}.currentTime") - 2700) < 0.5  # the #t= media fragment
    assert on_screen(nojs_page, "#player")
    line = nojs_page.locator(".cue.current")
    assert line.get_attribute("id") == "cue-600"
    assert nojs_page.locator("#listen").is_hidden() and nojs_page.locator("#follow").is_hidden()
    nojs_page.locator("#to-line").focus()
    nojs_page.keyboard.press("Enter")
    nojs_page.wait_for_url(f"**{URL}?t=45:00#cue-600")
    assert on_screen(nojs_page, "#cue-600")


def test_search_in_the_recording_reloads_the_page_with_its_hits_marked(nojs_page):
    nojs_page.goto(f"{URL}?t=45:00")
    nojs_page.fill("#within-q", "plaintes")
    nojs_page.locator("#within button[type=submit]").click()
    nojs_page.wait_for_url("**q=plaintes**")
    assert "t=45%3A00" in nojs_page.url  # the moment is kept
    total = sum(1 for i in range(1200) if "plainte" in cue_text(i))
    assert nojs_page.locator(".within-count").inner_text() == f"{total} passages"
    assert nojs_page.locator("#transcript .cue:has(mark)").count() == total
    assert nojs_page.locator(".timeline .hit-marks rect").count() == total
    go = nojs_page.locator(".within-status a[href^='#cue-']").first
    target = go.get_attribute("href")
    first_after = next(i for i in range(1200) if "plainte" in cue_text(i) and cue_times(i, 1200, 90)[0] >= 2_699_500)
    assert target == f"#cue-{first_after}"
    go.click()
    assert on_screen(nojs_page, target)
    nojs_page.locator(".hit-times-box summary").click()
    assert nojs_page.locator(".hit-times a").count() == total


def test_clip_link_plays_only_its_segment_and_shows_its_lines(nojs_page):
    start, _ = cue_times(600, 1200, 90)
    _, end = cue_times(601, 1200, 90)
    nojs_page.goto(f"{URL}?start={start / 1000:g}&end={end / 1000:g}")
    src = nojs_page.get_attribute("#player", "src")
    assert src.endswith(f"#t={start / 1000:.3f},{end / 1000:.3f}")
    assert nojs_page.evaluate(f"{PLAYER}.controls")
    assert "Extrait 45:00–45:08" in nojs_page.locator(".segment-banner").inner_text()
    assert nojs_page.locator(".cue.in-segment").count() == 2
    wait_until(nojs_page, f"{PLAYER}.readyState >= 1")
    assert abs(nojs_page.evaluate(f"{PLAYER}.currentTime") - start / 1000) < 0.5
