"""A moment's resource marker in the transcript leads to the resource."""

import pytest

pytestmark = pytest.mark.browser


def test_marker_in_the_transcript_reaches_the_resource(page):
    page.goto("/webinars/session-2-loi?t=433")
    marker = page.locator("#transcript .resource-marker", has_text="Pharos")
    assert marker.count() == 1
    marker.scroll_into_view_if_needed()
    marker.click()
    page.wait_for_url("**/resources/*")
    assert "Pharos" in page.locator("h1").text_content()
    outbound = page.locator("a[href='https://www.internet-signalement.gouv.fr/']")
    assert outbound.get_attribute("rel") == "noopener noreferrer external"
