"""The watch page on the demo catalogue in a real browser: time links, seeking, keyboard, copy, chapters, external players."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import wait_until

pytestmark = pytest.mark.browser
PLAYER = "document.getElementById('player')"


def open_watch(page, url):
    page.goto(url)
    wait_until(page, "document.querySelector('.watch').getAttribute('data-player-ready') === 'true'")


def current_time(page) -> float:
    return page.evaluate(f"{PLAYER}.currentTime")


def marked_start_ms(page) -> int:
    return int(page.locator(".cue.current").get_attribute("data-start-ms"))


def test_clicking_a_cue_seeks_without_loading_a_page(page):
    open_watch(page, "/webinars/session-1-algorithmes")
    page.evaluate("window.__sameDocument = true")
    cue = page.locator("#transcript .cue").nth(20)
    start = int(cue.get_attribute("data-start-ms")) / 1000
    cue.locator("a.ts").click()
    wait_until(page, f"Math.abs({PLAYER}.currentTime - {start}) < 0.6")
    assert page.evaluate("window.__sameDocument") is True
    assert marked_start_ms(page) == int(start * 1000)
    assert re.search(r"\?t=\d+", page.url)


def test_playing_moves_the_highlight(page):
    open_watch(page, "/webinars/session-1-algorithmes?t=0")
    cue = page.locator("#transcript .cue").nth(3)
    cue.locator("a.ts").click()
    first = marked_start_ms(page)
    next_start = int(page.locator("#transcript .cue").nth(4).get_attribute("data-start-ms"))
    page.evaluate(f"{PLAYER}.currentTime = {next_start / 1000 - 0.5}; {PLAYER}.play()")
    wait_until(page, f"parseInt(document.querySelector('.cue.current').getAttribute('data-start-ms')) === {next_start}", timeout=10)
    assert marked_start_ms(page) != first


def test_fragment_time_link(page):
    open_watch(page, "/webinars/session-2-loi#t=2:00")
    wait_until(page, f"Math.abs({PLAYER}.currentTime - 120) < 0.5")
    assert marked_start_ms(page) <= 120_000


def test_keyboard_shortcuts_and_announcements(page):
    open_watch(page, "/webinars/session-2-loi?t=60")
    page.locator("h1").click()
    page.keyboard.press("l")
    wait_until(page, f"Math.abs({PLAYER}.currentTime - 65) < 0.5")
    wait_until(page, "document.getElementById('announcer').textContent.includes('Avance de 5 secondes')")
    page.keyboard.press("j")
    page.keyboard.press("j")
    wait_until(page, f"Math.abs({PLAYER}.currentTime - 55) < 0.5")
    here = marked_start_ms(page)
    page.keyboard.press("n")
    wait_until(page, f"parseInt(document.querySelector('.cue.current').getAttribute('data-start-ms')) > {here}")
    wait_until(page, "document.getElementById('announcer').textContent.includes('Réplique suivante')")
    page.keyboard.press("k")
    wait_until(page, f"!{PLAYER}.paused")
    page.keyboard.press("k")
    wait_until(page, f"{PLAYER}.paused")
    wait_until(page, "document.getElementById('announcer').textContent.startsWith('Pause')")


def test_copy_the_link_to_a_cue_and_to_the_current_moment(page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    open_watch(page, "/webinars/session-2-loi?t=30")
    cue = page.locator("#transcript .cue").nth(10)
    start = int(cue.get_attribute("data-start-ms"))
    cue.locator("a.ts").focus()
    page.locator(".copy-cue").click()
    wait_until(page, "document.getElementById('announcer').textContent.includes('Lien copié')")
    copied = page.evaluate("navigator.clipboard.readText()")
    expected = f"{live_server}/webinars/session-2-loi?t={start // 1000}" + (f".{start % 1000:03d}".rstrip("0") if start % 1000 else "")
    assert copied == expected
    page.click("#copy-now")
    wait_until(page, "navigator.clipboard.readText().then(t => t.endsWith('?t=30'))")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_copy_button_of_a_line_never_covers_its_words(page, width):
    page.set_viewport_size({"width": width, "height": 844})
    open_watch(page, "/webinars/session-2-loi?t=30")
    for n in (2, 10):
        cue = page.locator("#transcript .cue").nth(n)
        cue.hover()
        button = cue.locator(".copy-cue")
        assert button.is_visible() and button.get_attribute("aria-label").startswith("Copier le lien vers ")
        b, t = button.bounding_box(), cue.locator(".cue-text").bounding_box()
        assert b["x"] >= t["x"] + t["width"] or b["y"] >= t["y"] + t["height"], (b, t)


def test_search_hit_lands_on_its_moment(page):
    page.goto("/search?q=Pharos")
    hit = page.locator(".hit-link").first
    href = hit.get_attribute("href")
    seconds = float(re.search(r"t=([\d.]+)", href).group(1))
    hit.click()
    wait_until(page, "document.querySelector('.watch') && document.querySelector('.watch').getAttribute('data-player-ready') === 'true'")
    wait_until(page, f"Math.abs({PLAYER}.currentTime - {seconds}) < 0.5")
    assert abs(marked_start_ms(page) / 1000 - seconds) < 0.01


def test_chapter_outline_seeks(page):
    open_watch(page, "/webinars/session-3-enquetes")
    link = page.locator(".chapters a.ts").nth(2)
    seconds = float(re.search(r"t=([\d.]+)", link.get_attribute("href")).group(1))
    link.click()
    wait_until(page, f"Math.abs({PLAYER}.currentTime - {seconds}) < 0.5")
    assert page.locator(".timeline a").count() == page.locator(".chapters li").count()


@pytest.mark.parametrize("kind", ["youtube", "vimeo", "peertube"])
def test_external_adapter_loads_on_request_and_seeks(external_app, page, kind):
    page.goto(f"/webinars/externe-{kind}?t=20")
    assert page.locator("iframe").count() == 0  # nothing loaded before the person asks
    page.click("[data-load-player]")
    frame_el = page.locator("iframe.player-iframe")
    src = frame_el.get_attribute("src")
    if kind == "youtube":
        assert "/fake/youtube/embed/dQw4w9WgXcQ?" in src and "enablejsapi=1" in src and "start=20" in src and "origin=" in src
    elif kind == "vimeo":
        assert "/fake/vimeo/video/76979871" in src and src.endswith("#t=20s")
    else:
        assert "/fake/peertube/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d?" in src and "api=1" in src and "start=20s" in src
    # the fake reports its clock; the transcript follows it
    wait_until(page, "document.querySelector('.watch').getAttribute('data-player-ready') === 'true'")
    wait_until(page, "document.querySelector('.cue.current') && parseInt(document.querySelector('.cue.current').getAttribute('data-start-ms')) >= 20000")
    cue = page.locator("#transcript .cue").nth(30)
    cue.locator("a.ts").click()
    wait_until(page, "parseInt(document.querySelector('.cue.current').getAttribute('data-start-ms')) === 150000")
    frame = page.frame_locator("iframe.player-iframe")
    log = frame.locator("body").evaluate("() => JSON.stringify(window.fakeLog)")
    seek_word = {"youtube": "seekTo", "vimeo": "setCurrentTime", "peertube": "peertube::seek"}[kind]
    assert seek_word in log and "150" in log
    # the keyboard's play/pause and the listen button go through the same adapter
    # (the fakes start paused, and a click on a line places the playback without starting it)
    page.locator("h1").click()
    page.keyboard.press("k")
    wait_until(page, "document.querySelector('.watch').getAttribute('data-state') === 'playing'")
    page.keyboard.press("k")
    wait_until(page, "document.querySelector('.watch').getAttribute('data-state') === 'paused'")
    page.click("#listen")
    wait_until(page, "document.querySelector('.watch').getAttribute('data-state') === 'playing'")


def test_enter_on_a_line_after_a_mouse_click_seeks_without_reloading(page):
    open_watch(page, "/webinars/session-2-loi?t=30&q=plainte")
    page.evaluate("window.__sameDocument = true")
    page.locator("#transcript .cue").nth(8).locator(".cue-text").click()
    page.keyboard.press("ArrowDown")
    target = page.evaluate("document.activeElement.closest('.cue')")
    start = int(page.evaluate("document.activeElement.closest('.cue').getAttribute('data-start-ms')"))
    assert target is not None
    page.keyboard.press("Enter")
    wait_until(page, f"Math.abs({PLAYER}.currentTime - {start / 1000}) < 0.05")
    assert page.evaluate("window.__sameDocument") is True
    # the address says the new moment and keeps the search
    assert "q=plainte" in page.url and f"t={start / 1000:g}" in page.url


def test_c_on_a_focused_line_copies_that_lines_link(page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    open_watch(page, "/webinars/session-2-loi?t=30")
    page.click("#to-line")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    start = int(page.evaluate("document.activeElement.closest('.cue').getAttribute('data-start-ms')"))
    page.keyboard.press("c")
    wait_until(page, "document.getElementById('announcer').textContent.includes('Lien copié')")
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"?t={start / 1000:g}")


def test_leaving_an_extract_plays_on_from_the_chosen_line(page):
    page.goto("/webinars/session-2-loi?start=60&end=90")
    wait_until(page, "document.querySelector('.watch').getAttribute('data-player-ready') === 'true'")
    page.click("#listen")
    wait_until(page, f"!{PLAYER}.paused")
    later = page.locator("#transcript .cue:not(.in-segment)").nth(40)
    start = int(later.get_attribute("data-start-ms")) / 1000
    later.locator(".cue-text").click()
    wait_until(page, f"{PLAYER}.currentTime > {start + 1.5}", timeout=10)  # past where a stale extract end would be
    assert page.evaluate(f"!{PLAYER}.paused")
    assert "start=60" in page.url  # an extract's address is left as it was


def test_escape_cancels_choosing_a_line_for_a_clip(page):
    open_watch(page, "/webinars/session-1-algorithmes?t=30")
    page.click("#clip-maker summary")
    before = page.input_value("#clip-start")
    page.click("button[data-clip=pick][data-target=start]")
    assert page.locator("#transcript.picking").count() == 1
    page.keyboard.press("Escape")
    assert page.locator("#transcript.picking").count() == 0
    assert page.evaluate("document.activeElement.getAttribute('data-clip')") == "pick"
    page.locator("#transcript .cue").nth(6).locator(".cue-text").click()
    assert page.input_value("#clip-start") == before  # that click was a seek, not a pick
