"""After a failed submit, focus is on what went wrong: the error summary, whose links lead to the fields (with or without JavaScript)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import browser_sign_in, open_context, wait_until

FOCUSED_SUMMARY = "document.activeElement && document.activeElement.classList.contains('error-summary')"


@pytest.mark.parametrize("javascript", [True, False])
def test_a_failed_sign_in_puts_focus_on_the_message(browser, live_server, demo_app, javascript):
    from tests.conftest import _make_user

    _make_user(demo_app, "admin@example.org", "correct horse battery staple", "admin")
    context = open_context(browser, live_server, java_script_enabled=javascript)
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", "admin@example.org")
    page.fill("#password", "not the password at all")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    wait_until(page, FOCUSED_SUMMARY)  # autofocus applies once the page is shown, a moment after its load
    assert "incorrect" in page.evaluate("document.activeElement.textContent")
    # an empty form: the summary, then its first link leads to the field
    page.fill("#email", "")
    page.fill("#password", "")
    with page.expect_navigation():
        page.click("button:has-text('Se connecter')")
    wait_until(page, FOCUSED_SUMMARY)  # autofocus applies once the page is shown, a moment after its load
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#email"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "email"
    context.close()


@pytest.mark.parametrize("path, button", [("/admin/webinars/new", "Enregistrer"), ("/admin/resources/new", "Enregistrer")])
def test_a_failed_admin_form_puts_focus_on_its_summary(browser, live_server, demo_app, path, button):
    context = open_context(browser, live_server)
    page = context.new_page()
    browser_sign_in(page, demo_app, "admin@example.org", "correct horse battery staple", "admin")
    page.goto(path)
    with page.expect_navigation():
        page.click(f"form.stack button[type=submit]:has-text('{button}')")
    wait_until(page, FOCUSED_SUMMARY)  # autofocus applies once the page is shown, a moment after its load
    first = page.evaluate("document.activeElement.querySelector('a').getAttribute('href')")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert "#" + page.evaluate("document.activeElement.id") == first
    context.close()
