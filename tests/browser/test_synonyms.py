"""An admin adds a synonym with the keyboard alone, and an activist's search finds through it and says so."""

from __future__ import annotations

from tests.browser.conftest import browser_sign_in, open_context


def test_an_admin_adds_a_group_with_the_keyboard_and_the_search_says_found_via(browser, live_server, demo_app):
    context = open_context(browser, live_server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    browser_sign_in(page, demo_app, "admin@example.org", "correct horse battery staple", "admin")
    page.goto("/admin/synonyms/")
    page.focus("#expressions")
    page.keyboard.type("zorglubette\ncommissariat")
    page.keyboard.press("Tab")  # to the note
    page.keyboard.type("essai")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # « Ajouter »
    assert "Groupe ajouté : zorglubette = commissariat" in page.inner_text("body")
    page.goto("/search?q=zorglubette")
    first = page.locator(".hit").first
    assert "trouvé via « commissariat »" in first.inner_text()
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844  # on the first screen of a phone
    # a bad group: the reason, next to the field, and focusable from the summary
    page.goto("/admin/synonyms/")
    page.fill("#expressions", "Pharos\nSignal Conso")
    with page.expect_navigation():
        page.click("button:has-text('Ajouter')")
    assert "est déjà dans le groupe « Pharos = plateforme de signalement »" in page.inner_text("#expressions-error")
    assert page.get_attribute("#expressions", "aria-invalid") == "true"
    context.close()
