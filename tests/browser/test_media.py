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


def test_an_admin_uploads_a_recording_sees_its_progress_and_it_plays_on_the_public_page(page, demo_app, tmp_path):
    """A generated H.264/AAC video of a few megabytes, through the real form, with the upload slowed to
    2 MB/s so that the progress shows; then the watch page plays it."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Webinar
    from tests.browser.conftest import browser_sign_in
    from tests.conftest import ADMIN_PASSWORD, make_media

    video = make_media(tmp_path / "reunion-zoom.mp4", 40, "mp4")
    assert video.stat().st_size > 2_000_000
    with demo_app.app_context():
        webinar_id = db.session.scalar(select(Webinar.id).filter_by(slug="session-3-enquetes"))
    browser_sign_in(page, demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")
    page.goto(f"/admin/webinars/{webinar_id}")
    with page.expect_navigation():
        page.click("text=Envoyer l'enregistrement")
    page.set_input_files("#media-file", str(video))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 2_000_000})
    seen = []
    page.click("#media-upload button[type=submit]")
    for _ in range(200):
        try:
            value = page.evaluate("document.querySelector('.upload-progress progress') && document.querySelector('.upload-progress progress').value")
            seen.append((value, page.locator("#media-progress-text").inner_text()))
            if "Nouvel enregistrement en ligne" in page.content():
                break
        except Exception:  # the page moved on once the upload was done (it may be navigating right now)
            break
        page.wait_for_timeout(50)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    page.wait_for_selector("text=Nouvel enregistrement en ligne", timeout=30_000)
    assert any(0 < value < 100 for value, _ in seen if value is not None), seen[:5]
    assert any("Envoi :" in text and " sur " in text for _, text in seen)
    assert "vidéo H.264 320 × 240, son AAC, 0:40" in page.content()
    page.goto("/webinars/session-3-enquetes")
    wait_until(page, "document.getElementById('player').readyState >= 1")
    assert abs(page.evaluate("document.getElementById('player').duration") - 40) < 1
    page.evaluate("document.getElementById('player').play()")
    wait_until(page, "document.getElementById('player').currentTime > 1.0", timeout=15)


def test_a_refused_recording_says_why_in_the_page_and_takes_the_focus(page, demo_app, tmp_path):
    from tests.browser.conftest import browser_sign_in
    from tests.conftest import ADMIN_PASSWORD

    bad = tmp_path / "pas-une-video.mp4"
    bad.write_bytes(bytes(200_000))
    browser_sign_in(page, demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")
    page.goto("/admin/webinars/1/media/")
    page.set_input_files("#media-file", str(bad))
    page.click("#media-upload button[type=submit]")
    page.wait_for_selector("#media-error:not([hidden])")
    assert "n'est pas un enregistrement lisible" in page.locator("#media-error").inner_text()
    assert page.evaluate("document.activeElement.id") == "media-error"
