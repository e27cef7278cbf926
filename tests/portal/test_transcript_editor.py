"""The transcript editor's server side: the lines it sends are checked, compared, and saved as one version."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Transcript, Webinar


def _open(client, app, slug: str = "session-2-loi") -> tuple[str, dict, str]:
    with app.app_context():
        webinar_id = db.session.scalar(select(Webinar.id).filter_by(slug=slug))
    html = client.get(f"/admin/webinars/{webinar_id}/editor/").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/json" id="editor-data">(.*?)</script>', html, re.S).group(1))
    token = re.search(r'data-csrf="([^"]+)"', html).group(1)
    return f"/admin/webinars/{webinar_id}/editor", data, token


def test_the_editor_page_holds_every_line_and_says_what_to_do_without_javascript(demo_app, demo_admin):
    base, data, _ = _open(demo_admin, demo_app)
    html = demo_admin.get(f"{base}/").get_data(as_text=True)
    assert len(data["cues"]) == 120 and data["base"] and data["save_url"] == f"{base}/save"
    assert "<noscript>" in html and "corrigez une réplique à la fois" in html and 'id="editor-player"' in html


def test_saving_makes_one_version_with_exactly_the_lines_sent_audited_and_searchable(demo_app, demo_admin):
    base, data, token = _open(demo_admin, demo_app)
    cues = data["cues"]
    cues[10]["text"] = cues[10]["text"] + " Quetzalcoatl."
    del cues[20]
    cues[30]["start_ms"] += 100
    preview = demo_admin.post(f"{base}/preview", json={"base": data["base"], "cues": cues}, headers={"X-CSRFToken": token})
    assert preview.status_code == 200 and preview.get_json()["counts"] == {"added": 0, "removed": 1, "text": 1, "times": 1}
    assert "Ce qui change par rapport à la version active (1)" in preview.get_json()["html"]
    saved = demo_admin.post(f"{base}/save", json={"base": data["base"], "cues": cues, "note": "Relecture"}, headers={"X-CSRFToken": token})
    assert saved.status_code == 200 and saved.get_json()["version"] == 2
    with demo_app.app_context():
        webinar = db.session.scalar(select(Webinar).filter_by(slug="session-2-loi"))
        assert webinar.active_transcript.cue_count == 119 and webinar.active_transcript.source == "edit"
        event = db.session.scalar(select(AuditEvent).filter_by(action="transcript.editor"))
        assert "0 ajoutées, 1 supprimées, 1 textes, 1 horaires" in event.details
    assert demo_admin.get("/api/v1/search?q=quetzalcoatl").get_json()["total_hits"] == 1


def test_a_version_saved_meanwhile_is_not_overwritten(demo_app, demo_admin):
    base, data, token = _open(demo_admin, demo_app)
    first = demo_admin.post(f"{base}/save", json={"base": data["base"], "cues": data["cues"][:-1]}, headers={"X-CSRFToken": token})
    assert first.status_code == 200
    again = demo_admin.post(f"{base}/save", json={"base": data["base"], "cues": data["cues"]}, headers={"X-CSRFToken": token})
    assert again.status_code == 409 and "Rechargez la page" in again.get_json()["error"]["message"]
    with demo_app.app_context():
        webinar_id = db.session.scalar(select(Webinar.id).filter_by(slug="session-2-loi"))
        assert db.session.scalar(select(func.count()).select_from(Transcript).where(Transcript.webinar_id == webinar_id)) == 2


@pytest.mark.parametrize(
    "change, words, cue",
    [
        (lambda c: c[2].update(end_ms=c[2]["start_ms"]), "Réplique 3 : la fin", 3),
        (lambda c: c[4].update(text="   "), "Réplique 5 : son texte est vide", 5),
        (lambda c: c[1].update(start_ms="1:00"), "Réplique 2 : début et fin doivent être des temps", 2),
        (lambda c: c[0].update(speaker="x" * 201), "Réplique 1 : le nom", 1),
        (lambda c: c.clear(), "La transcription envoyée est vide", None),
    ],
)
def test_an_impossible_list_is_refused_with_the_line_and_changes_nothing(demo_app, demo_admin, change, words, cue):
    base, data, token = _open(demo_admin, demo_app)
    cues = data["cues"]
    change(cues)
    for action in ("preview", "save"):
        response = demo_admin.post(f"{base}/{action}", json={"base": data["base"], "cues": cues}, headers={"X-CSRFToken": token})
        assert response.status_code == 400 and words in response.get_json()["error"]["message"] and response.get_json()["error"].get("cue") == cue
    with demo_app.app_context():
        assert db.session.scalar(select(Webinar).filter_by(slug="session-2-loi")).active_transcript.version == 1


def test_the_editor_is_for_admins_and_its_saves_need_the_csrf_token(demo_app, demo_admin):
    from tests.conftest import signed_in_client

    base, data, _ = _open(demo_admin, demo_app)
    assert demo_admin.post(f"{base}/save", json={"base": data["base"], "cues": data["cues"]}).status_code == 400
    trainer = signed_in_client(demo_app, "trainer@example.org", "amber river folds paper", "trainer")
    assert trainer.get(f"{base}/").status_code == 403
    assert demo_app.test_client().get(f"{base}/").status_code == 302
    assert demo_admin.post(f"{base}/save", data="pas du json", headers={"X-CSRFToken": _open(demo_admin, demo_app)[2], "Content-Type": "application/json"}).status_code == 400
