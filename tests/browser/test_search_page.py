"""The results page at a phone's size and a laptop's: the first passage on the first screen, the
filters folded on a phone (open beside the hits on a laptop), the page's order the reading order."""

from __future__ import annotations

import pytest

from tests.browser.conftest import open_context

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width, height, javascript", [(390, 844, True), (390, 844, False), (1280, 800, True)])
def test_the_first_passage_is_on_the_first_screen_and_the_filters_come_before_it_in_the_page(browser, live_server, width, height, javascript):
    context = open_context(browser, live_server, viewport={"width": width, "height": height}, java_script_enabled=javascript)
    page = context.new_page()
    page.goto("/search?q=plainte")
    first = page.locator(".hit-link").first.bounding_box()
    assert first["y"] + first["height"] <= height, first  # wholly on the first screen
    assert page.evaluate("document.getElementById('refine').open") is (width >= 800 and javascript)
    # nothing reordered by CSS: the filters precede the hits in the page and for the keyboard
    assert page.evaluate("[...document.querySelectorAll('.search-layout > *')].every(el => getComputedStyle(el).order === '0')")
    assert page.evaluate("!!(document.getElementById('refine').compareDocumentPosition(document.querySelector('.hit-link')) & Node.DOCUMENT_POSITION_FOLLOWING)")
    if not javascript:  # the folded filters open with a tap, and filter
        page.locator("#refine summary").click()
        page.select_option("#theme", "law")
        page.locator("#refine button[type=submit]").click()
        page.wait_for_url("**theme=law**")
        assert "Filtré : thème « " in page.locator(".search-count").inner_text()
        assert page.evaluate("document.getElementById('refine').open") is True
    context.close()
    assert not context.outside
