"""Content notes over HTTP: admins warn of a passage (audited); the watch page, its parts and the JSON show it, with a way to skip."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, ContentNote, Webinar
from tests.conftest import csrf_token


def _loi(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Webinar.id).filter_by(slug="session-2-loi"))


def add(client, webinar_id, **data):
    url = f"/admin/webinars/{webinar_id}/notes/"
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data})


def test_an_admin_warns_of_a_passage_and_the_watch_page_shows_it_before_the_passage_with_a_skip(demo_app, demo_admin):
    webinar_id = _loi(demo_app)
    assert add(demo_admin, webinar_id, label="Citation de propos racistes", start="1:00", end="1:30").status_code == 302
    html = demo_admin.get("/webinars/session-2-loi").get_data(as_text=True)
    assert html.count('class="content-note"') == 1
    note = html.split('class="content-note"', 1)[1].split("</p>", 1)[0]
    assert "Citation de propos racistes (1:00–1:30)" in note and 'href="/webinars/session-2-loi?t=90"' in note
    # before the first line the passage reaches
    first_line = html.split('class="content-note"', 1)[0].rsplit('data-start-ms="', 1)[1].split('"', 1)[0]
    assert int(first_line) <= 60_000
    assert "data-notes='[{" in html and "contentnotes" in html
    # landing inside the passage: the banner says so, without JavaScript too
    inside = demo_admin.get("/webinars/session-2-loi?t=1:10").get_data(as_text=True)
    banner = inside.split('id="content-note-live"', 1)[1].split("</div>", 1)[0]
    assert " hidden" not in banner.split(">", 1)[0] and "Ce passage contient : Citation de propos racistes" in banner and "Passer à 1:30" in banner
    outside = demo_admin.get("/webinars/session-2-loi?t=5:00").get_data(as_text=True)
    assert " hidden" in outside.split('id="content-note-live"', 1)[1].split(">", 1)[0]
    data = demo_admin.get("/api/v1/webinars/session-2-loi").get_json()
    assert data["content_notes"] == [{"start_ms": 60_000, "end_ms": 90_000, "label": "Citation de propos racistes"}]
    with demo_app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "content_note.create")) is not None


def test_a_webinar_without_notes_has_no_banner_nor_script(demo_client):
    html = demo_client.get("/webinars/session-2-loi").get_data(as_text=True)
    assert "content-note-live" not in html and "contentnotes" not in html


def test_bad_notes_are_refused_with_their_reason_and_delete_is_audited(demo_app, demo_admin):
    webinar_id = _loi(demo_app)
    cases = {("", "1:00", "1:30"): "Ce champ est obligatoire", ("Violences", "2:00", "1:00"): "doit venir après",
             ("Violences", "zz", "1:00"): "pas un temps reconnu", ("Violences", "4:00:00", "4:01:00"): "dépasse la durée"}
    for (label, start, end), reason in cases.items():
        response = add(demo_admin, webinar_id, label=label, start=start, end=end)
        assert response.status_code == 400 and reason in response.get_data(as_text=True), (label, start, end)
    with demo_app.app_context():
        assert db.session.scalar(select(db.func.count(ContentNote.id))) == 0
    add(demo_admin, webinar_id, label="Description de violences", start="2:00", end="2:30")
    with demo_app.app_context():
        note_id = db.session.scalar(select(ContentNote.id))
    url = f"/admin/webinars/{webinar_id}/notes/"
    assert demo_admin.post(f"{url}{note_id}/delete", data={"csrf_token": csrf_token(demo_admin, url)}).status_code == 302
    with demo_app.app_context():
        assert db.session.get(ContentNote, note_id) is None
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "content_note.delete")) is not None


def test_notes_are_for_admins_only(demo_app, client, trainer_client):
    assert client.get("/admin/webinars/1/notes/").status_code == 302
    assert trainer_client.get("/admin/webinars/1/notes/").status_code == 403
