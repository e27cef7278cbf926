"""An admin, in a real browser: sign in, create a webinar, upload its transcript, confirm, find it by search."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_until
from tests.conftest import ADMIN_PASSWORD, _make_user

pytestmark = pytest.mark.browser

TRANSCRIPT = """WEBVTT

00:00:01.000 --> 00:00:05.000
<v Animation>Bienvenue à cette session sur la modération communautaire.

00:00:05.500 --> 00:00:10.000
<v Intervenante>Les signaleurs de confiance accélèrent le retrait des contenus haineux.
"""


def test_admin_walkthrough(demo_app, page, tmp_path):
    _make_user(demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")
    page.goto("/admin/")
    assert "/login" in page.url
    page.fill("#email", "admin@example.org")
    page.fill("#password", ADMIN_PASSWORD)
    page.click("button:has-text('Se connecter')")
    page.wait_for_url("**/admin/")
    page.click("text=Ajouter un webinaire")
    page.fill("#title", "Session 5 : signaleurs de confiance")
    page.fill("#slug", "session-5-signaleurs")
    page.fill("#question", "Que peuvent les signaleurs de confiance ?")
    page.fill("#starts_at", "2024-11-14 12:30")
    page.fill("#duration", "1:30:00")
    page.check("input[name=themes][value=law]")
    page.check("#published")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_url("**/transcripts")
    path = tmp_path / "session5.vtt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    page.set_input_files("#file", str(path))
    page.click("button:has-text('Vérifier le fichier')")
    page.wait_for_selector("text=Aperçu avant publication")
    assert "signaleurs de confiance" in page.content()
    page.click("button:has-text('Confirmer')")
    page.wait_for_selector("text=Version 1 active")
    page.fill("#header-q", "signaleurs de confiance")
    page.press("#header-q", "Enter")
    page.wait_for_selector(".hit-link")
    hit = page.locator(".hit-link").first
    assert "session-5-signaleurs" in hit.get_attribute("href")
    hit.click()
    wait_until(page, "document.querySelector('.cue.current') !== null")
    assert "Session 5" in page.locator("h1").text_content()
