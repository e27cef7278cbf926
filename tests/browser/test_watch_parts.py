"""A transcript too long for one page, in the browser: the 90-minute, 1,200-line webinar on a portal
that renders 300 lines per part (four parts). The lines of another part replace the panel's in place
(the media plays on): by the part links, by the arrows past the last line, by the playback when the
panel follows it, and by the search inside the recording. Without JavaScript the links are pages."""

from __future__ import annotations

import pytest

from tests.browser.conftest import open_context, serve, wait_until

pytestmark = pytest.mark.browser
PLAYER = "document.getElementById('player')"
URL = "/webinars/session-longue"
PART = "document.getElementById('transcript-part').getAttribute('data-part')"


@pytest.fixture(scope="module")
def parted_server(tmp_path_factory):
    from demo.synthetic import write_catalogue
    from tests.conftest import build_portal, close_app

    base = tmp_path_factory.mktemp("parted")
    app = build_portal(base, write_catalogue(base / "files"))
    app.config["TRANSCRIPT_PART_CUES"] = 300
    yield from serve(app)
    close_app(app)


@pytest.fixture(params=[(390, 844), (1280, 800)], ids=["phone", "laptop"])
def parted_page(request, browser, parted_server):
    width, height = request.param
    context = open_context(browser, parted_server, viewport={"width": width, "height": height}, has_touch=width < 600, is_mobile=width < 600)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert not errors and not context.outside


def open_watch(page, url: str) -> None:
    page.goto(url)
    wait_until(page, "document.querySelector('.watch').getAttribute('data-player-ready') === 'true'")
    page.evaluate("window.__sameDocument = true")


def test_a_moment_opens_its_part_and_the_part_links_swap_the_lines_in_place(parted_page):
    open_watch(parted_page, f"{URL}?t=44:50")
    assert parted_page.evaluate(PART) == "2" and parted_page.locator(".cue").count() == 300
    assert parted_page.locator(".cue.current").get_attribute("id") == "cue-597"
    assert "Partie 2 sur 4 · 22:30–45:00" in parted_page.locator(".part-nav-top").inner_text()
    parted_page.locator(".part-nav-bottom a[rel=next]").click()
    wait_until(parted_page, f"{PART} === '3'")
    assert parted_page.evaluate("document.activeElement.closest('.cue').id") == "cue-600"
    assert parted_page.evaluate("document.getElementById('transcript-scroll').scrollTop") == 0  # the part's links in view
    # and its first line on the screen, not under the pinned player (a phone scrolled to reach the link)
    assert parted_page.evaluate("""(() => {
        const line = document.getElementById('cue-600').getBoundingClientRect(), stage = document.getElementById('stage');
        const pinned = getComputedStyle(stage).position === 'sticky';
        return line.bottom <= innerHeight && (!pinned || line.top >= stage.getBoundingClientRect().bottom - 1);
    })()""")
    wait_until(parted_page, "document.getElementById('announcer').textContent.startsWith('Partie 3 sur 4, à partir de 45:00')")
    # the arrows go on past the first line, into the previous part
    parted_page.keyboard.press("ArrowUp")
    wait_until(parted_page, f"{PART} === '2'")
    assert parted_page.evaluate("document.activeElement.closest('.cue').id") == "cue-599"
    parted_page.keyboard.press("ArrowDown")
    wait_until(parted_page, f"{PART} === '3'")
    assert parted_page.evaluate("document.activeElement.closest('.cue').id") == "cue-600"
    # Enter on a line of the new part places the player there; the page never reloaded
    parted_page.keyboard.press("Enter")
    wait_until(parted_page, f"Math.abs({PLAYER}.currentTime - 2700.12) < 0.05")
    assert parted_page.evaluate("window.__sameDocument") is True
    assert parted_page.locator(".cue.current").get_attribute("id") == "cue-600"


def test_the_panel_following_the_playback_moves_into_the_next_part_by_itself(parted_page):
    open_watch(parted_page, f"{URL}?t=1:07:20")
    assert parted_page.evaluate(PART) == "3"
    parted_page.click("#listen")
    wait_until(parted_page, f"!{PLAYER}.paused")
    wait_until(parted_page, f"{PART} === '4' && document.querySelector('.cue.current') !== null", timeout=25)
    assert parted_page.locator(".cue.current").get_attribute("id") in {"cue-900", "cue-901", "cue-902"}
    assert parted_page.evaluate("window.__sameDocument") is True and parted_page.evaluate("window.scrollY") == 0
    # reading another part stops the following; coming back to the playback brings its part back
    parted_page.locator(".part-nav-top a[rel=prev]").click()
    wait_until(parted_page, f"{PART} === '3'")
    assert parted_page.get_attribute("#follow", "aria-pressed") == "false"
    parted_page.click("#resume")
    wait_until(parted_page, f"{PART} === '4' && document.querySelector('.cue.current') !== null")
    assert parted_page.get_attribute("#follow", "aria-pressed") == "true"


def test_the_search_inside_the_recording_steps_into_the_other_parts(parted_page):
    open_watch(parted_page, f"{URL}?t=10:00")
    parted_page.fill("#within-q", "semestre")
    wait_until(parted_page, "document.querySelector('.within-count') && document.querySelector('.within-count').textContent.includes('/ 92')")
    assert parted_page.locator(".timeline .hit-marks rect").count() == 92  # every part's passages on the timeline
    # going back from the first passage wraps to the last, in the last part
    while not parted_page.locator(".within-count").inner_text().startswith("1 /"):
        parted_page.locator("#within-q").press("Shift+Enter")
    parted_page.locator("#within-q").press("Shift+Enter")
    wait_until(parted_page, f"{PART} === '4' && document.querySelector('.cue.hit-active mark') !== null")
    assert parted_page.locator(".within-count").inner_text().startswith("92 / 92")
    assert parted_page.evaluate("document.querySelector('.cue.hit-active mark').textContent") == "semestre"
    parted_page.locator("#within-q").press("Enter")  # and on, to the first passage, back in the first part
    wait_until(parted_page, f"{PART} === '1' && document.querySelector('.cue.hit-active mark') !== null")
    assert parted_page.locator(".within-count").inner_text().startswith("1 / 92")


def test_without_javascript_the_part_links_and_passages_of_other_parts_are_pages(browser, parted_server):
    context = open_context(browser, parted_server, java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{URL}?t=44:50&q=semestre")
    assert page.locator("#transcript-part").get_attribute("data-part") == "2"
    page.locator(".part-nav-bottom a[rel=next]").click()
    page.wait_for_url("**part=3**")
    assert page.locator("#transcript-part").get_attribute("data-part") == "3"
    assert page.locator(".cue-text mark").count() > 0  # the search's words stay marked
    # a passage of another part opens that part at its moment
    page.locator(".hit-times-box summary").click()
    page.locator(".hit-times a").last.click()
    page.wait_for_url("**t=**#cue-*")
    assert page.locator("#transcript-part").get_attribute("data-part") == "4"
    target = page.url.rsplit("#", 1)[1]
    assert page.locator(f"#{target}.current .cue-text mark").count() == 1
    context.close()
