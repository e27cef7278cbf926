"""The interface in French (the reference) and English: every string marked, every message translated,
the language chosen by the visitor, then the browser, then French."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from portal.i18n import DEFAULT_LANGUAGE, DOMAINS, LANGUAGES, TRANSLATIONS_DIR, extract_messages
from tests.conftest import ROOT

TEMPLATES = ROOT / "templates"
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}

# Jinja constructs, removed before reading what a template writes by itself.
_TRANS_BLOCK = re.compile(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", re.S)
_JINJA = re.compile(r"{#.*?#}|{%.*?%}", re.S)
_TAG_NAME = re.compile(r"(</?){{.*?}}", re.S)  # <{{ heading }}> stays a tag
_EXPRESSION = re.compile(r"{{.*?}}", re.S)
_UNREAD = re.compile(r"<(script|style|code)\b[^>]*>.*?</\1>", re.S | re.I)
_WORD = re.compile(r"(?<![\w-])[^\W\d_]{2,}(?![\w-])")  # a word; codes such as k7m2-q9xd are not
# Words every language writes the same way: formats and names, never sentences.
SAME_IN_EVERY_LANGUAGE = {"WebVTT", "SRT", "PDF", "Atom", "JSON", "VTT", "QR", "English", "Français"}
SHOWN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "label", "aria-description", "aria-roledescription"}


class _Unmarked(HTMLParser):
    """Text and shown attributes left in a template once its Jinja parts are gone."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def _check(self, text: str | None, where: str) -> None:
        words = set(_WORD.findall(text or ""))
        if words - SAME_IN_EVERY_LANGUAGE:
            self.found.append(f"{where}: {text.strip()[:80]!r}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES:
                self._check(value, f"<{tag} {name}>")
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self._check(values.get("value"), f"<{tag} value>")
        if tag == "meta" and values.get("name") == "description":
            self._check(values.get("content"), "<meta description>")

    def handle_data(self, data: str) -> None:
        self._check(data, "text")


def unmarked_strings(source: str) -> list[str]:
    text = _TRANS_BLOCK.sub(" ", source)
    text = _JINJA.sub(" ", text)
    text = _EXPRESSION.sub(" ", _TAG_NAME.sub(r"\1x", text))
    text = _UNREAD.sub(" ", text)
    parser = _Unmarked()
    parser.feed(text)
    parser.close()
    return parser.found


def test_the_checker_finds_an_unmarked_string_and_accepts_marked_ones():
    assert unmarked_strings('<p>{{ _("Bonjour") }}</p><button aria-label="{{ _("Fermer") }}">×</button>') == []
    assert unmarked_strings("<p>{% trans n=3 %}{{ n }} extraits{% endtrans %}</p><code>WEBVTT x</code>") == []
    assert unmarked_strings("<p>Bonjour {{ name }}</p>") == ["text: 'Bonjour'"]
    assert unmarked_strings('<input type="submit" value="Envoyer">') == ["<input value>: 'Envoyer'"]
    assert unmarked_strings('<a title="Fermer la fenêtre" href="/">{{ _("x") }}</a>') == ["<a title>: 'Fermer la fenêtre'"]


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_every_template_string_is_marked_for_translation(template):
    found = unmarked_strings((TEMPLATES / template).read_text(encoding="utf-8"))
    assert not found, f"{template}: not marked for translation ({{{{ _('…') }}}} or {{% trans %}}): {found}"


def _catalogue(code: str, domain: str):
    with (TRANSLATIONS_DIR / code / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return read_po(handle, locale=code, domain=domain)


def _placeholders(text: str, domain: str) -> set[str]:
    pattern = r"\{(\w+)\}" if domain == "js" else r"%\((\w+)\)[sd]"
    return set(re.findall(pattern, text))


TRANSLATED = sorted(set(LANGUAGES) - {DEFAULT_LANGUAGE})


@pytest.mark.parametrize("code", TRANSLATED)
@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_the_catalogue_translates_every_message(domain, code):
    marked = extract_messages(domain)
    english = _catalogue(code, domain)
    assert len(marked) > (50 if domain == "js" else 500)  # the extraction saw the code, templates or scripts
    missing, stale, broken = [], [], []
    for message in marked:
        if not message.id:
            continue
        entry = english.get(message.id, context=message.context)
        strings = entry.string if entry is not None else None
        forms = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(forms):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set().union(*(_placeholders(i, domain) for i in ids))
        for form in forms:
            if _placeholders(form, domain) != wanted:
                broken.append((ids[0], form))
    for entry in english:
        if entry.id and marked.get(entry.id, context=entry.context) is None:
            stale.append(entry.id)
    assert not missing, f"{len(missing)} messages of {domain} have no {code} translation (make messages, then translate): {missing[:20]}"
    assert not broken, f"translations whose placeholders differ from the French: {broken[:10]}"
    assert not stale, f"{code} entries no longer used by the code (make messages removes them): {stale[:10]}"


# --- which language a visitor gets -------------------------------------------------------------


def _lang(response) -> str:
    return re.search(r'<html lang="(\w+)"', response.get_data(as_text=True)).group(1)


def test_french_is_the_default_and_english_follows_accept_language(client):
    assert _lang(client.get("/")) == "fr"
    assert _lang(client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"})) == "fr"
    english = client.get("/", headers=ENGLISH)
    assert _lang(english) == "en"
    assert english.headers["Content-Language"] == "en"
    assert {"Accept-Language", "Cookie"} <= set(english.vary)
    assert _lang(client.get("/", headers={"Accept-Language": "de, en;q=0.5"})) == "en"


def test_english_pages_speak_english(client):
    page = client.get("/webinars", headers=ENGLISH).get_data(as_text=True)
    assert "Skip to content" in page and "Aller au contenu" not in page
    assert ">Webinars<" in page and ">Webinaires<" not in page
    assert 'placeholder="Search what was said…"' in page


def test_the_switch_remembers_the_choice_over_the_browser_preference(client):
    page = client.get("/webinars?page=1").get_data(as_text=True)
    switch = re.search(r'<a href="(/langue/en[^"]*)" hreflang="en" lang="en"[^>]*>English</a>', page)
    assert switch, "the French page offers English"
    response = client.get(switch.group(1).replace("&amp;", "&"))
    assert response.status_code == 302 and response.headers["Location"] == "/webinars?page=1"
    assert "langue=en" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    assert _lang(client.get("/webinars")) == "en"
    assert _lang(client.get("/webinars", headers={"Accept-Language": "fr"})) == "en"  # the choice wins
    back = client.get("/webinars").get_data(as_text=True)
    assert re.search(r'<a href="/langue/fr[^"]*" hreflang="fr" lang="fr"[^>]*>Français</a>', back)
    client.get("/langue/fr?next=/")
    assert _lang(client.get("/", headers=ENGLISH)) == "fr"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"])
def test_the_switch_never_redirects_off_site(client, target):
    response = client.get("/langue/en", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_an_unknown_language_is_a_clear_404(client):
    response = client.get("/langue/klingon", headers=ENGLISH)
    assert response.status_code == 404
    assert "This language is not offered." in response.get_data(as_text=True)
    assert client.get("/langue/klingon").status_code == 404


# --- what the Python code and the libraries say -----------------------------------------------


def test_dates_and_numbers_follow_the_language(app, client, make_webinar):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from portal.i18n import long_date

    when = datetime(2024, 3, 26, 12, 30, tzinfo=ZoneInfo("Europe/Paris"))
    with app.test_request_context("/"):
        assert long_date(when) == "mardi 26 mars 2024 à 12:30"
        assert long_date(when, with_time=False) == "mardi 26 mars 2024"
    with app.test_request_context("/", headers=ENGLISH):
        assert long_date(when) == "Tuesday, March 26, 2024 at 12:30\u202fPM"
    make_webinar(slug="dates")
    french = client.get("/webinars/dates").get_data(as_text=True)
    english = client.get("/webinars/dates", headers=ENGLISH).get_data(as_text=True)
    assert re.search(r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d+ \w+ \d{4}", french)
    assert re.search(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \w+ \d+, \d{4}", english)


def test_the_portals_own_times_are_shown_in_the_configured_zone_saying_which(tmp_path):
    from datetime import datetime, timezone

    from portal.i18n import local_time
    from tests.conftest import _make_app, close_app

    app = _make_app(tmp_path, DEFAULT_TIMEZONE="America/Montreal")
    try:
        stored = datetime(2026, 12, 3, 17, 5, 9)  # the database keeps UTC without a zone
        with app.test_request_context("/"):
            assert local_time(stored) == "3 déc. 2026, 12:05:09 (America/Montreal)"
            assert local_time(stored.replace(tzinfo=timezone.utc), with_zone=False) == "3 déc. 2026, 12:05:09"
            assert local_time(None) == ""
        with app.test_request_context("/", headers=ENGLISH):
            assert local_time(stored) == "Dec 3, 2026, 12:05:09\u202fPM (America/Montreal)"
    finally:
        close_app(app)


def test_admin_pages_show_the_audit_and_the_uploads_in_the_configured_zone(demo_app, demo_admin):
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import AuditEvent, Transcript

    with demo_app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        uploaded = db.session.scalars(select(Transcript)).first()
        event_at, upload_at, webinar_id = event.at, uploaded.uploaded_at, uploaded.webinar_id
    paris = ZoneInfo("Europe/Paris")

    def shown(value) -> str:
        local = (value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))).astimezone(paris)
        return local.strftime("%H:%M:%S")

    audit = demo_admin.get("/admin/audit").get_data(as_text=True)
    assert "Quand (Europe/Paris)" in audit and shown(event_at) in audit
    transcripts = demo_admin.get(f"/admin/webinars/{webinar_id}/transcripts").get_data(as_text=True)
    assert f"{shown(upload_at)} (Europe/Paris)" in transcripts
    operations = demo_admin.get("/admin/operations").get_data(as_text=True)
    assert "UTC" not in operations and "(Europe/Paris)" in operations


def test_a_transcript_error_is_explained_in_english(demo_admin):
    from io import BytesIO

    from tests.conftest import csrf_token

    token = csrf_token(demo_admin, "/admin/webinars/1/transcripts")
    response = demo_admin.post(
        "/admin/webinars/1/transcripts",
        data={"csrf_token": token, "file": (BytesIO(b"WEBVTT\n\n00:00:01.000 --> 00:00:00.500\nHop\n"), "bad.vtt")},
        content_type="multipart/form-data",
        headers=ENGLISH,
    )
    text = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 422)
    assert "line 3" in text and "ligne 3" not in text


def test_the_scripts_get_their_messages_in_the_page_language(demo_client):
    def messages(headers=None) -> dict:
        page = demo_client.get("/webinars", headers=headers or {}).get_data(as_text=True)
        link = re.search(r'href="(/webinars/[\w-]+)"', page).group(1)
        watch = demo_client.get(link, headers=headers or {}).get_data(as_text=True)
        box = re.search(r'<script type="application/json" id="js-messages">(.*?)</script>', watch, re.S)
        return json.loads(box.group(1))

    assert messages() == {}  # French: the scripts' own strings
    english = messages(ENGLISH)
    assert english.get("Fin du parcours.") == "End of the collection."
    assert all(isinstance(v, str) and v for v in english.values())


def test_the_api_explains_errors_in_the_asked_language(client):
    french = client.get("/api/v1/webinars/nulle-part")
    english = client.get("/api/v1/webinars/nulle-part", headers=ENGLISH)
    assert french.status_code == english.status_code == 404
    assert french.get_json()["error"]["message"] == "Ce webinaire n'existe pas ou n'est pas publié."
    assert english.get_json()["error"]["message"] == "This webinar does not exist or is not published."


def test_a_page_without_scripts_loads_no_script(client):
    page = client.get("/webinars", headers=ENGLISH).get_data(as_text=True)
    assert "i18n.js" not in page and "js-messages" not in page


def test_pages_outside_the_layout_declare_their_language_too(demo_client):
    page = demo_client.get("/webinars").get_data(as_text=True)
    slug = re.search(r'href="/webinars/([\w-]+)"', page).group(1)
    for headers, code in (({}, "fr"), (ENGLISH, "en")):
        embed = demo_client.get(f"/embed/{slug}", query_string={"start": 10, "end": 40}, headers=headers)
        assert embed.status_code == 200
        assert _lang(embed) == code
