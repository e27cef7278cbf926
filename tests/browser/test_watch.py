"""The watch page on a 90-minute, 1,200-line webinar, at a phone's size and a laptop's.

Landing on a moment shows the player and the spoken line; the transcript follows the playback
inside its own panel and never scrolls the window; the whole line is the target; one search
inside the recording; chapters and hits on the timeline; clips keep the lines' milliseconds.
"""

from __future__ import annotations

import re

import pytest

from demo.synthetic import CHAPTERS, cue_text, cue_times
from tests.browser.conftest import wait_until

pytestmark = pytest.mark.browser
PLAYER = "document.getElementById('player')"
URL = "/webinars/session-longue"
CUES, MINUTES = 1200, 90


def open_watch(page, url: str) -> None:
    page.goto(url)
    wait_until(page, "document.querySelector('.watch').getAttribute('data-player-ready') === 'true'")


def visible(page, selector: str) -> bool:
    """Wholly inside the window, and inside the transcript panel's box when it is in the panel."""
    return page.evaluate(
        """(selector) => {
            const el = document.querySelector(selector);
            if (!el) return false;
            const r = el.getBoundingClientRect();
            if (r.height === 0 || r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return false;
            const box = el.closest('#transcript-scroll');
            if (!box) return true;
            const b = box.getBoundingClientRect();
            return r.top >= b.top - 1 && r.bottom <= b.bottom + 1;
        }""",
        selector,
    )


def current_start_ms(page) -> int:
    return int(page.locator(".cue.current").get_attribute("data-start-ms"))


def click_text(page, position: int) -> None:
    """Click the words of a line (not its time link)."""
    page.locator(f"#cue-{position} .cue-text").click(position={"x": 12, "y": 8})


def steady_box(page, selector: str) -> dict:
    """The element's box once the panel has stopped scrolling (it follows the player smoothly)."""
    box = page.locator(selector).bounding_box()
    for _ in range(40):
        page.wait_for_timeout(50)
        again = page.locator(selector).bounding_box()
        if again == box:
            return box
        box = again
    raise AssertionError(f"{selector} kept moving: {box}")


def expected_hits(*needles: str) -> int:
    return sum(1 for i in range(CUES) if any(n in cue_text(i) for n in needles))


def test_landing_on_a_moment_shows_the_play_control_and_the_spoken_line(long_page):
    open_watch(long_page, f"{URL}?t=45:00")
    # 45:00 falls in the short silence before the line that starts at 45:00.120: that line is the one.
    assert current_start_ms(long_page) == cue_times(600, CUES, MINUTES)[0] == 2_700_120
    assert visible(long_page, "#listen") and visible(long_page, "#player") and visible(long_page, ".cue.current")
    assert long_page.locator("#listen").inner_text().strip() == "Écouter à partir de 45:00"
    assert long_page.evaluate("window.scrollY") == 0
    assert abs(long_page.evaluate(f"{PLAYER}.currentTime") - 2700) < 0.5
    assert long_page.locator("[aria-live]").count() == 1
    assert long_page.get_attribute("#player", "aria-label") == "Une session de 90 minutes (démonstration)"
    # the chapter being played is named under the player
    assert long_page.locator("#now-chapter").inner_text().endswith(f"4/6 · {CHAPTERS[3]}")


def test_one_tap_plays_and_the_window_never_scrolls_while_the_panel_follows(long_page):
    open_watch(long_page, f"{URL}?t=45:00")
    scroll_y = long_page.evaluate("window.scrollY")
    long_page.click("#listen")
    wait_until(long_page, f"!{PLAYER}.paused")
    # The label follows the player's "play" event, which may come a moment after `paused` turns false.
    wait_until(long_page, "document.getElementById('listen').innerText.includes('Pause')")
    wait_until(long_page, f"{PLAYER}.currentTime > 2709.5", timeout=20)  # two more lines said
    assert current_start_ms(long_page) >= cue_times(602, CUES, MINUTES)[0]
    assert long_page.evaluate("window.scrollY") == scroll_y
    assert visible(long_page, "#player") and visible(long_page, "#listen") and visible(long_page, ".cue.current")
    assert long_page.get_attribute("#follow", "aria-pressed") == "true"
    assert long_page.locator("#follow").inner_text().endswith("Suivre la lecture")


def test_scrolling_the_panel_stops_following_and_the_pinned_button_resumes_it(long_page):
    open_watch(long_page, f"{URL}?t=45:00")
    long_page.click("#listen")
    wait_until(long_page, f"!{PLAYER}.paused")
    box = long_page.locator("#transcript-scroll").bounding_box()
    long_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + min(box["height"], 844 - box["y"]) / 2)
    long_page.mouse.wheel(0, 1500)
    wait_until(long_page, "document.getElementById('follow').getAttribute('aria-pressed') === 'false'")
    assert long_page.evaluate("window.scrollY") == 0
    assert visible(long_page, "#resume") and not visible(long_page, ".cue.current")
    long_page.click("#resume")
    assert long_page.get_attribute("#follow", "aria-pressed") == "true"
    assert long_page.locator("#resume").is_hidden()
    assert visible(long_page, ".cue.current")
    assert long_page.evaluate(f"!{PLAYER}.paused")


def test_clicking_the_text_of_a_line_seeks_to_its_start_and_a_drag_selects(long_page):
    open_watch(long_page, f"{URL}?t=45:00")
    start_ms = cue_times(602, CUES, MINUTES)[0]
    long_page.evaluate("window.__sameDocument = true")
    click_text(long_page, 602)
    wait_until(long_page, f"Math.abs({PLAYER}.currentTime - {start_ms / 1000}) < 0.05")
    assert current_start_ms(long_page) == start_ms
    assert long_page.evaluate(f"{PLAYER}.paused")  # it was paused: a click places, the listen button plays
    assert long_page.locator("#listen").inner_text().strip() == "Écouter à partir de 45:09"
    assert long_page.evaluate("window.__sameDocument") is True
    assert "t=2709.12" in long_page.url
    # while playing, a click on another line goes on playing from there
    long_page.click("#listen")
    wait_until(long_page, f"!{PLAYER}.paused")
    click_text(long_page, 604)
    wait_until(long_page, f"{PLAYER}.currentTime >= {cue_times(604, CUES, MINUTES)[0] / 1000} && !{PLAYER}.paused")
    long_page.evaluate(f"{PLAYER}.pause()")
    # a drag over the words selects them and does not seek
    before = long_page.evaluate(f"{PLAYER}.currentTime")
    long_page.evaluate("document.querySelector('#cue-603').scrollIntoView({block: 'center'})")  # in sight, not under the player
    text = steady_box(long_page, "#cue-603 .cue-text")
    long_page.mouse.move(text["x"] + 2, text["y"] + 6)
    long_page.mouse.down()
    long_page.mouse.move(text["x"] + 80, text["y"] + 8, steps=5)
    long_page.mouse.up()
    assert long_page.evaluate("String(window.getSelection())").strip()
    assert long_page.evaluate(f"{PLAYER}.currentTime") == pytest.approx(before, abs=0.01)


def test_search_inside_the_recording_finds_plurals_and_unaccented_words_steps_and_marks_the_timeline(long_page):
    open_watch(long_page, URL)
    long_page.click("#listen")
    wait_until(long_page, f"!{PLAYER}.paused")
    long_page.evaluate("window.__sameDocument = true")
    total = expected_hits("plainte")  # "porter plainte" and "les plaintes"
    long_page.fill("#within-q", "plaintes")
    wait_until(long_page, f"document.querySelector('.within-count') && document.querySelector('.within-count').textContent.includes('/ {total}')")
    # the first passage at or after the playback (which goes on while the person types)
    first_index = int(long_page.locator(".within-count").inner_text().split(" / ")[0])
    assert first_index <= 2
    marked = long_page.evaluate("[...document.querySelectorAll('#transcript .cue-text mark')].map(m => m.textContent.toLowerCase())")
    assert {"plainte", "plaintes"} <= set(marked)
    assert long_page.locator(".timeline .hit-marks rect").count() == total
    first = long_page.evaluate("document.querySelector('.cue.hit-active').id")
    long_page.locator("#within-q").press("Enter")
    assert long_page.locator(".within-count").inner_text().startswith(f"{first_index + 1} / {total}")
    assert long_page.evaluate("document.querySelector('.cue.hit-active').id") != first
    assert visible(long_page, ".cue.hit-active")
    long_page.locator("#within-q").press("Shift+Enter")
    assert long_page.evaluate("document.querySelector('.cue.hit-active').id") == first
    assert long_page.evaluate(f"!{PLAYER}.paused") and long_page.evaluate("window.__sameDocument") is True
    assert long_page.evaluate("window.scrollY") == 0
    # the unaccented form finds the accented word
    long_page.fill("#within-q", "harcelement")
    harassment = expected_hits("harcèlement")
    wait_until(long_page, f"document.querySelector('.within-count').textContent.includes('/ {harassment}')")
    assert long_page.evaluate("document.querySelector('.cue.hit-active mark').textContent") == "harcèlement"
    # "search all webinars" stays one link away
    assert long_page.get_attribute(".within-status a.search-all", "href") == "/search?q=harcelement"


def test_a_marker_on_the_timeline_seeks_to_its_passage(long_page):
    open_watch(long_page, URL)
    long_page.fill("#within-q", "procès")
    total = expected_hits("procès")
    wait_until(long_page, f"document.querySelectorAll('.timeline .hit-marks rect').length === {total}")
    marker = long_page.locator(".timeline .hit-marks rect").nth(total // 2).bounding_box()
    long_page.mouse.click(marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2)
    starts = [cue_times(i, CUES, MINUTES)[0] for i in range(CUES) if "procès" in cue_text(i)]
    wait_until(long_page, f"Math.abs({PLAYER}.currentTime * 1000 - {starts[total // 2]}) < 30000")
    assert current_start_ms(long_page) in starts


def test_chapters_are_segments_a_finger_can_hit_and_the_current_one_is_named(long_page):
    open_watch(long_page, URL)
    boxes = [long_page.locator(".timeline .chapter rect").nth(i).bounding_box() for i in range(len(CHAPTERS))]
    assert all(b["height"] >= 24 and b["width"] >= 24 for b in boxes)
    third = boxes[2]
    long_page.mouse.click(third["x"] + third["width"] / 2, third["y"] + third["height"] / 2)
    chapter_s = 2 * MINUTES * 60 / len(CHAPTERS)
    wait_until(long_page, f"Math.abs({PLAYER}.currentTime - {chapter_s}) < 0.5")
    assert f"3/6 · {CHAPTERS[2]}" in long_page.locator("#now-chapter").inner_text()
    assert "current" in long_page.get_attribute(".timeline .chapter:nth-of-type(3)", "class")


def test_a_clip_chosen_from_two_lines_keeps_their_milliseconds(long_page):
    open_watch(long_page, f"{URL}?t=45:00")
    long_page.click("#clip-maker summary")
    long_page.click("button[data-clip=pick][data-target=start]")
    click_text(long_page, 600)
    long_page.click("button[data-clip=pick][data-target=end]")
    click_text(long_page, 601)
    start, _ = cue_times(600, CUES, MINUTES)
    _, end = cue_times(601, CUES, MINUTES)
    assert long_page.input_value("#clip-start") == "45:00.12"
    assert long_page.input_value("#clip-end") == "45:08.79"
    link = long_page.locator("#clip-link").inner_text()
    assert link.endswith(f"{URL}?start={start / 1000:g}&end={end / 1000:g}")
    page_url = link[link.index(URL):]
    open_watch(long_page, page_url)
    assert long_page.get_attribute(".watch", "data-start-ms") == str(start)
    assert long_page.get_attribute(".watch", "data-end-ms") == str(end)
    assert abs(long_page.evaluate(f"{PLAYER}.currentTime") - start / 1000) < 0.05
    assert long_page.locator(".cue.in-segment").count() == 2


def test_keyboard_alone_from_a_search_hit_to_playing_and_stepping_through_hits(long_page):
    long_page.goto("/search?q=plaintes&webinar=session-longue")

    def tab_to(condition: str, limit: int = 60) -> int:
        for presses in range(1, limit + 1):
            long_page.keyboard.press("Tab")
            if long_page.evaluate(condition):
                return presses
        raise AssertionError(f"not reached in {limit} Tab presses: {condition}")

    tab_to("document.activeElement.classList.contains('hit-link')")
    long_page.keyboard.press("Enter")
    long_page.wait_for_url(re.compile(r".*/webinars/session-longue\?t=.*q=plaintes"))
    wait_until(long_page, "document.querySelector('.watch').getAttribute('data-player-ready') === 'true'")
    assert visible(long_page, ".cue.current") and visible(long_page, "#listen")
    assert tab_to("document.activeElement.id === 'listen'") <= 12
    long_page.keyboard.press("Enter")
    wait_until(long_page, f"!{PLAYER}.paused")
    tab_to("document.activeElement.id === 'within-q'", limit=20)
    assert long_page.input_value("#within-q") == "plaintes"
    count = long_page.locator(".within-count").inner_text()
    long_page.keyboard.press("Enter")
    assert long_page.locator(".within-count").inner_text() != count
    assert re.match(r"2 / \d+", long_page.locator(".within-count").inner_text())
    wait_until(long_page, "document.getElementById('announcer').textContent.startsWith('Passage 2 sur')")
    # the skip link and the arrows in the transcript: Enter on a line goes there
    long_page.evaluate("document.getElementById('to-line').focus()")
    long_page.keyboard.press("Enter")
    assert long_page.evaluate("document.activeElement.closest('.cue') !== null")
    long_page.keyboard.press("ArrowDown")
    target = long_page.evaluate("document.activeElement.closest('.cue').id")
    long_page.keyboard.press("Enter")
    wait_until(long_page, f"document.querySelector('.cue.current').id === '{target}'")
    assert long_page.evaluate(f"!{PLAYER}.paused")
    assert long_page.evaluate("window.scrollY") == 0 or long_page.viewport_size["width"] < 600


def test_no_keyboard_help_on_a_touch_screen(long_page):
    long_page.goto(URL)
    shortcuts = long_page.locator("details.shortcuts")
    assert shortcuts.is_visible() == (long_page.viewport_size["width"] > 600)
