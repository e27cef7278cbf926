"""The transcript editor in a real browser: nudge a time, split a line, replace a word, see the changes, save one version."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.conftest import browser_sign_in, wait_until
from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser


def test_an_admin_edits_the_transcript_beside_the_player_and_saves_one_new_version(page, demo_app):
    from portal.extensions import db
    from portal.models import Webinar
    from portal.services.transcripts import active_cues

    with demo_app.app_context():
        webinar = db.session.scalar(select(Webinar).filter_by(slug="session-2-loi"))
        webinar_id, before = webinar.id, active_cues(webinar)
    browser_sign_in(page, demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")
    page.goto(f"/admin/webinars/{webinar_id}/transcripts")
    with page.expect_navigation():
        page.click("text=Ouvrir l'éditeur de transcription")
    assert page.locator(".ed-cue").count() == len(before)
    # Escape plays and pauses while the cursor is in a line's text.
    page.focus("#ed-text-3")
    page.keyboard.press("Escape")
    wait_until(page, "!document.getElementById('editor-player').paused")
    page.keyboard.press("Escape")
    wait_until(page, "document.getElementById('editor-player').paused")
    # One time nudged by +0.1 s.
    page.click("#ed-cue-0 [data-act=end-plus]")
    assert "fin à" in page.inner_text("#ed-status")
    # One line split where the cursor is.
    text = before[5].text
    cut = text.index(" ", len(text) // 2)
    page.evaluate(f"(() => {{ const a = document.getElementById('ed-text-5'); a.focus(); a.setSelectionRange({cut}, {cut}); }})()")
    page.click("#ed-cue-5 [data-act=split]")
    assert page.locator(".ed-cue").count() == len(before) + 1
    assert page.input_value("#ed-text-5") == text[:cut].strip() and page.input_value("#ed-text-6") == text[cut:].strip()
    # One word replaced everywhere.
    page.fill("#ed-find", "certificats")
    page.fill("#ed-replace", "zorblaxicats")
    page.click("[data-act=replace-all]")
    assert "1 remplacement dans 1 réplique" in page.inner_text("#ed-status")
    # The changes, then the save.
    assert page.is_disabled("[data-act=save]")
    page.click("[data-act=preview]")
    page.wait_for_selector("#ed-preview h2")
    shown = " ".join(page.inner_text("#ed-preview").split())
    # Exactly those changes: the split adds a line and shortens one, the replacement changes one, the nudge one time.
    counts = "1 réplique ajoutée 0 supprimée 2 au texte (ou à l'intervenant·e) modifié 1 aux horaires modifiés 117 inchangées"
    assert counts in shown
    assert "zorblaxicats" in shown and "certificats" in shown
    page.fill("#ed-note", "Minutage et mot corrigés")
    with page.expect_navigation():
        page.click("[data-act=save]")
    assert "enregistrée depuis l'éditeur" in page.content()
    with demo_app.app_context():
        webinar = db.session.get(Webinar, webinar_id)
        after = active_cues(webinar)
        assert webinar.active_transcript.version == 2 and webinar.active_transcript.note == "Minutage et mot corrigés"
        assert len(after) == len(before) + 1 and after[0].end_ms == before[0].end_ms + 100
        assert after[5].text == text[:cut].strip() and after[6].text == text[cut:].strip()
        assert after[5].start_ms == before[5].start_ms and after[6].end_ms == before[5].end_ms and after[5].end_ms == after[6].start_ms
    client = demo_app.test_client()
    assert client.get("/api/v1/search?q=zorblaxicats").get_json()["total_hits"] == 1
    assert client.get("/api/v1/search?q=certificats").get_json()["total_hits"] == 0


def test_an_impossible_edit_is_refused_with_the_line_to_fix(page, demo_app):
    from portal.extensions import db
    from portal.models import Webinar

    with demo_app.app_context():
        webinar_id = db.session.scalar(select(Webinar.id).filter_by(slug="session-2-loi"))
    browser_sign_in(page, demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")
    page.goto(f"/admin/webinars/{webinar_id}/editor/")
    page.fill("#ed-end-2", "0:00,5")
    page.press("#ed-end-2", "Tab")
    page.click("[data-act=preview]")
    page.wait_for_selector("#ed-error:not([hidden])")
    assert "Réplique 3 : la fin" in page.inner_text("#ed-error")
    assert page.evaluate("document.activeElement.id") == "ed-error"
    page.click("#ed-error a")
    assert page.evaluate("document.activeElement.id") == "ed-start-2"
    with demo_app.app_context():
        assert db.session.get(Webinar, webinar_id).active_transcript.version == 1
