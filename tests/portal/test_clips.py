"""Clips and collections through HTTP: segment links, the API, rights, sharing, and what happens when webinars change."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Clip, Webinar
from portal.services.transcripts import ingest_transcript
from tests.conftest import ADMIN_PASSWORD, TRAINER_PASSWORD, csrf_token, signed_in_client


@pytest.fixture
def people(demo_app):
    return {
        "admin": signed_in_client(demo_app, "admin@example.org", ADMIN_PASSWORD, "admin"),
        "trainer": signed_in_client(demo_app, "trainer@example.org", TRAINER_PASSWORD, "trainer"),
        "other": signed_in_client(demo_app, "other@example.org", "amber river folds paper", "trainer"),
        "anonymous": demo_app.test_client(),
    }


def api_create(client, **payload):
    token = csrf_token(client, "/webinars/session-2-loi")
    body = {"webinar": "session-2-loi", "start_ms": 60_000, "end_ms": 90_000, "title": "Le DSA en deux minutes", "note": "Pour l'atelier"}
    body.update(payload)
    return client.post("/api/v1/clips", json=body, headers={"X-CSRFToken": token})


def test_segment_link_shows_the_clip_and_its_excerpt(demo_client):
    html = demo_client.get("/webinars/session-2-loi?start=1:00&end=1m30s").get_data(as_text=True)
    assert "<strong>Extrait 1:00–1:30</strong>" in html and "la lecture s'arrête à 1:30" in html
    assert "Regarder le webinaire entier" in html and 'data-end-ms="90000"' in html
    assert "#t=60.000,90.000" in html  # the browser stops there even without JavaScript
    # the lines said in the segment are marked in the transcript, and only those
    spans = [(int(a), int(b)) for a, b in re.findall(r'class="cue(?: current)? in-segment" data-start-ms="(\d+)" data-end-ms="(\d+)"', html)]
    assert spans and all(end > 60_000 and start < 90_000 for start, end in spans)
    others = re.findall(r'class="cue" data-start-ms="(\d+)" data-end-ms="(\d+)"', html)
    assert not [1 for start, end in others if int(end) > 60_000 and int(start) < 90_000]


@pytest.mark.parametrize(
    "query, words",
    [("start=90&end=60", "après le début"), ("start=0&end=2400", "au plus 30 minutes"), ("start=zz&end=60", "pas un temps reconnu"), ("start=60", "sans fin")],
)
def test_bad_segment_links_play_the_whole_webinar_and_say_why(demo_client, query, words):
    response = demo_client.get(f"/webinars/session-2-loi?{query}")
    assert response.status_code == 200 and words in response.get_data(as_text=True)
    assert "data-end-ms" not in response.get_data(as_text=True).split("<article", 1)[1].split(">", 1)[0]


def test_api_creates_and_reads_a_clip(people):
    created = api_create(people["trainer"])
    assert created.status_code == 201
    code, url = created.get_json()["code"], created.get_json()["url"]
    assert url.endswith(f"/c/{code}") and re.fullmatch(r"[2-9a-z]{8}", code)
    data = people["anonymous"].get(f"/api/v1/clips/{code}").get_json()
    assert data["title"] == "Le DSA en deux minutes" and data["state"] == "ok" and data["start_ms"] == 60_000
    assert data["excerpt"] and data["citation"].startswith("VoxPublic, « La haine, le harcèlement")
    assert "1:00–1:30" in data["citation"] and data["citation"].endswith(url)


@pytest.mark.parametrize(
    "payload, field, words",
    [
        ({"start_ms": 90_000, "end_ms": 60_000}, "end_ms", "après le début"),
        ({"start_ms": 0, "end_ms": 31 * 60_000}, "end_ms", "30 minutes"),
        ({"start_ms": 740_000, "end_ms": 900_000}, "end_ms", "dépasse la durée"),
        ({"title": ""}, "title", "titre"),
        ({"title": "x" * 201}, "title", "200 au plus"),
        ({"note": "x" * 2001}, "note", "2000 au plus"),
        ({"start_ms": "60"}, "start_ms", "entier"),
        ({"webinar": "nope"}, "webinar", "inconnu"),
    ],
)
def test_api_validation_messages(people, payload, field, words):
    response = api_create(people["trainer"], **payload)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == field and words in error["message"]


def test_anonymous_cannot_save_edit_or_delete(people, demo_app):
    code = api_create(people["trainer"]).get_json()["code"]
    anonymous = people["anonymous"]
    token = csrf_token(anonymous, "/login")
    assert anonymous.post("/api/v1/clips", json={}, headers={"X-CSRFToken": token}).status_code == 401
    assert anonymous.post("/api/v1/clips", json={}).status_code == 400  # no CSRF token at all
    for url in (f"/c/{code}/edit", f"/c/{code}/delete", "/clips/new", "/collections/new"):
        response = anonymous.post(url, data={"csrf_token": token, "title": "x"})
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert anonymous.get(f"/c/{code}/edit").status_code == 302


def test_a_trainer_cannot_touch_another_trainers_clip_but_an_admin_can(people, demo_app):
    code = api_create(people["trainer"]).get_json()["code"]
    other = people["other"]
    token = csrf_token(other, "/clips")
    assert other.get(f"/c/{code}/edit").status_code == 403
    assert other.post(f"/c/{code}/edit", data={"csrf_token": token, "start": "1:00", "end": "1:20", "title": "piraté"}).status_code == 403
    assert other.post(f"/c/{code}/delete", data={"csrf_token": token}).status_code == 403
    assert "Gérer cet extrait" not in other.get(f"/c/{code}").get_data(as_text=True)
    assert "Gérer cet extrait" in people["trainer"].get(f"/c/{code}").get_data(as_text=True)
    admin = people["admin"]
    token = csrf_token(admin, "/clips")
    assert admin.post(f"/c/{code}/edit", data={"csrf_token": token, "start": "1:00", "end": "1:20", "title": "Retitré", "note": ""}).status_code == 302
    with demo_app.app_context():
        clip = db.session.scalar(select(Clip).filter_by(code=code))
        assert (clip.title, clip.end_ms) == ("Retitré", 80_000)
    assert admin.post(f"/c/{code}/delete", data={"csrf_token": token}).status_code == 302
    assert people["anonymous"].get(f"/c/{code}").status_code == 410  # in the trash


def test_owner_edits_with_field_errors_kept(people):
    code = api_create(people["trainer"]).get_json()["code"]
    client = people["trainer"]
    token = csrf_token(client, f"/c/{code}/edit")
    response = client.post(f"/c/{code}/edit", data={"csrf_token": token, "start": "2:00", "end": "1:00", "title": "Nouveau titre", "note": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "après le début" in html and 'value="Nouveau titre"' in html


def test_clip_page_shares_link_citation_embed_qr_and_open_graph(people):
    code = api_create(people["trainer"]).get_json()["code"]
    html = people["anonymous"].get(f"/c/{code}").get_data(as_text=True)
    assert '<meta property="og:title" content="Le DSA en deux minutes' in html and 'name="twitter:card"' in html
    assert 'type="application/json+oembed"' in html
    assert f"/embed/c/{code}" in html and f"/c/{code}/qr.svg" in html
    assert "VoxPublic, « La haine" in html and "Intervenant·es de la session" in html and "Suzanne Vergnolle" in html
    qr = people["anonymous"].get(f"/c/{code}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    embed = people["anonymous"].get(f"/embed/c/{code}")
    assert embed.status_code == 200 and "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers and "site-header" not in embed.get_data(as_text=True)


def test_oembed(people):
    code = api_create(people["trainer"]).get_json()["code"]
    client = people["anonymous"]
    data = client.get("/oembed", query_string={"url": f"http://localhost/c/{code}", "format": "json", "maxwidth": 400}).get_json()
    assert data["version"] == "1.0" and data["type"] == "video" and data["width"] == 400 and data["height"] == 225
    assert f'src="http://localhost/embed/c/{code}"' in data["html"] and data["provider_name"] == "VoxPublic"
    segment = client.get("/oembed", query_string={"url": "http://localhost/webinars/session-2-loi?start=60&end=90"}).get_json()
    assert "embed/session-2-loi?start=60&amp;end=90" in segment["html"] or "embed/session-2-loi?start=60&end=90" in segment["html"]
    refused = client.get("/oembed", query_string={"url": f"http://localhost/c/{code}", "format": "xml"})
    assert refused.status_code == 501 and refused.get_json() == {"error": {"status": 501, "message": "Seul le format json est proposé."}}
    assert client.get("/oembed", query_string={"url": "http://evil.example/c/" + code}).status_code == 404
    assert client.get("/oembed", query_string={"url": "http://localhost/c/zzzzzzzz"}).status_code == 404


def test_replaced_transcript_keeps_times_and_excerpt_follows(people, demo_app):
    code = api_create(people["trainer"]).get_json()["code"]
    with demo_app.app_context():
        webinar = db.session.scalar(select(Webinar).filter_by(slug="session-2-loi"))
        ingest_transcript(webinar, b"WEBVTT\n\n00:01:05.000 --> 00:01:10.000\n<v Animation>Nouvelle version du passage.\n", "v2.vtt")
    data = people["anonymous"].get(f"/api/v1/clips/{code}").get_json()
    assert (data["start_ms"], data["end_ms"]) == (60_000, 90_000)
    assert [c["text"] for c in data["excerpt"]] == ["Nouvelle version du passage."]


def test_unpublished_or_deleted_webinar_link_says_so(people, demo_app):
    code = api_create(people["trainer"]).get_json()["code"]
    with demo_app.app_context():
        webinar = db.session.scalar(select(Webinar).filter_by(slug="session-2-loi"))
        webinar.published = False
        db.session.commit()
    page = people["anonymous"].get(f"/c/{code}")
    assert page.status_code == 200 and "n'est plus publié" in page.get_data(as_text=True).replace("&#39;", "'")
    assert people["anonymous"].get(f"/embed/c/{code}").status_code == 410
    assert people["anonymous"].get(f"/api/v1/clips/{code}").get_json()["state"] == "unpublished"
    with demo_app.app_context():
        from portal.services.webinars import delete_webinar

        delete_webinar(db.session.scalar(select(Webinar).filter_by(slug="session-2-loi")))
    page = people["anonymous"].get(f"/c/{code}").get_data(as_text=True)
    assert "a été supprimé" in page and "La haine, le harcèlement" in page
    assert people["anonymous"].get(f"/api/v1/clips/{code}").get_json()["state"] == "deleted"


def test_saving_from_the_watch_page_form(people):
    client = people["trainer"]
    token = csrf_token(client, "/webinars/session-1-algorithmes")
    response = client.post("/clips/new", data={"csrf_token": token, "webinar": "session-1-algorithmes", "start": "0:30", "end": "1:10", "title": "Intro", "note": ""})
    assert response.status_code == 302 and re.match(r"^/c/[2-9a-z]{8}$", response.headers["Location"])
    bad = client.post("/clips/new", data={"csrf_token": token, "webinar": "session-1-algorithmes", "start": "1:10", "end": "0:30", "title": "Intro"}, follow_redirects=True)
    assert "Extrait non enregistré" in bad.get_data(as_text=True)


def test_collections_order_notes_duplicate_and_rights(people, demo_app):
    trainer = people["trainer"]
    first = api_create(trainer, title="Premier").get_json()["code"]
    second = api_create(trainer, title="Second", start_ms=120_000, end_ms=150_000).get_json()["code"]
    token = csrf_token(trainer, "/clips")
    response = trainer.post("/collections/new", data={"csrf_token": token, "title": "Atelier DSA", "intro": "Deux extraits."})
    edit_url = response.headers["Location"]
    code = edit_url.split("/")[2]
    for clip_code in (first, second):
        trainer.post(f"/k/{code}/items", data={"csrf_token": token, "clip": clip_code.upper()[:4] + "-" + clip_code[4:]})
    page = people["anonymous"].get(f"/k/{code}").get_data(as_text=True)
    assert page.index("Premier") < page.index("Second")
    with demo_app.app_context():
        from portal.models import Collection

        collection = db.session.scalar(select(Collection).filter_by(code=code))
        second_item = collection.items[1].id
        first_item = collection.items[0].id
    trainer.post(edit_url, data={"csrf_token": token, "title": "Atelier DSA", "move": f"{second_item}:up"})
    page = people["anonymous"].get(f"/k/{code}").get_data(as_text=True)
    assert page.index("Second") < page.index("Premier")
    trainer.post(edit_url, data={"csrf_token": token, "title": "Atelier DSA", "intro": "Deux extraits.", f"note-{first_item}": "À discuter en groupe"})
    assert "À discuter en groupe" in people["anonymous"].get(f"/k/{code}").get_data(as_text=True)
    other = people["other"]
    other_token = csrf_token(other, "/clips")
    assert other.post(edit_url, data={"csrf_token": other_token, "title": "x", "move": f"{first_item}:remove"}).status_code == 403
    assert other.get(edit_url).status_code == 403
    copy = other.post(f"/k/{code}/duplicate", data={"csrf_token": other_token})
    copy_code = copy.headers["Location"].split("/")[2]
    assert copy_code != code and "Atelier DSA (copie)" in other.get(copy.headers["Location"]).get_data(as_text=True)
    trainer.post(edit_url, data={"csrf_token": token, "title": "Atelier DSA", "move": f"{first_item}:remove"})
    assert "Premier" not in people["anonymous"].get(f"/k/{code}").get_data(as_text=True)
    assert "Premier" in people["anonymous"].get(f"/k/{copy_code}").get_data(as_text=True)  # the copy is independent
    trainer.post(f"/k/{code}/delete", data={"csrf_token": token})
    assert people["anonymous"].get(f"/k/{code}").status_code == 410  # in the trash


def test_clip_actions_are_audited(people, demo_app):
    api_create(people["trainer"])
    with demo_app.app_context():
        from portal.models import AuditEvent

        event = db.session.scalar(select(AuditEvent).filter_by(action="clip.create"))
        assert event.user_email == "trainer@example.org" and event.target_type == "clip"


def test_a_raised_clip_limit_applies_to_saving_and_to_opening_the_link(app, make_webinar):
    from tests.conftest import SAMPLE_VTT

    app.config["CLIP_MAX_MS"] = 45 * 60_000
    make_webinar("long", SAMPLE_VTT, duration_ms=90 * 60_000)
    trainer = signed_in_client(app, "trainer@example.org", TRAINER_PASSWORD, "trainer")
    token = csrf_token(trainer, "/webinars/long")
    body = {"webinar": "long", "start_ms": 0, "end_ms": 40 * 60_000, "title": "Quarante minutes"}
    created = trainer.post("/api/v1/clips", json=body, headers={"X-CSRFToken": token})
    assert created.status_code == 201
    code = created.get_json()["code"]
    assert trainer.get(f"/c/{code}").status_code == 200
    html = trainer.get("/webinars/long?start=0&end=40:00").get_data(as_text=True)
    assert 'data-end-ms="2400000"' in html and "au plus" not in html  # the link the clip shares plays the segment
    too_long = trainer.post("/api/v1/clips", json=body | {"end_ms": 46 * 60_000}, headers={"X-CSRFToken": token})
    assert too_long.status_code == 422 and "au plus 45 minutes" in too_long.get_data(as_text=True)
    assert "au plus 45 minutes" in trainer.get("/webinars/long?start=0&end=46:00").get_data(as_text=True)


# -- the trash ---------------------------------------------------------------------------------------


def test_deleting_a_clip_asks_first_then_its_link_answers_410_until_its_owner_restores_it(people, demo_app):
    from portal.models import AuditEvent

    trainer, anonymous = people["trainer"], people["anonymous"]
    code = api_create(trainer).get_json()["code"]
    page = trainer.get(f"/c/{code}")
    assert f'href="/c/{code}/delete"' in page.get_data(as_text=True)  # a link to a page that asks: works without JavaScript
    asked = trainer.get(f"/c/{code}/delete")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Mettre à la corbeille" in html and "30 jours" in html and "QR code" in html
    assert anonymous.get(f"/c/{code}").status_code == 200  # asking changed nothing
    done = trainer.post(f"/c/{code}/delete", data={"csrf_token": csrf_token(trainer, f"/c/{code}/delete")})
    assert done.status_code == 302 and done.headers["Location"] == "/clips/trash"
    gone = anonymous.get(f"/c/{code}")
    assert gone.status_code == 410 and "a été supprimé par la personne qui l'avait créé" in gone.get_data(as_text=True)
    assert "Restaurer" not in gone.get_data(as_text=True)
    for url in (f"/c/{code}/qr.svg", f"/embed/c/{code}", f"/api/v1/clips/{code}"):
        assert anonymous.get(url).status_code == 410, url
    assert "Le DSA en deux minutes" not in trainer.get("/clips").get_data(as_text=True).split("Corbeille")[1]
    trash = trainer.get("/clips/trash").get_data(as_text=True)
    assert "Le DSA en deux minutes" in trash and "Restaurer" in trash and "sera effacé le" in trash
    other = people["other"]
    assert other.post(f"/c/{code}/restore", data={"csrf_token": csrf_token(other, "/clips")}).status_code == 403
    assert "Le DSA en deux minutes" not in other.get("/clips/trash").get_data(as_text=True)
    owner_view = trainer.get(f"/c/{code}").get_data(as_text=True)
    assert "Il est dans votre corbeille" in owner_view
    restored = trainer.post(f"/c/{code}/restore", data={"csrf_token": csrf_token(trainer, "/clips/trash")})
    assert restored.status_code == 302 and restored.headers["Location"] == f"/c/{code}"
    assert anonymous.get(f"/c/{code}").status_code == 200
    with demo_app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("clip.%")).order_by(AuditEvent.id)).all()
        assert actions == ["clip.create", "clip.delete", "clip.restore"]


def test_the_trash_is_emptied_after_30_days_and_the_link_then_answers_404(people, demo_app):
    from datetime import timedelta

    from portal.models import AuditEvent, utcnow

    trainer = people["trainer"]
    code = api_create(trainer).get_json()["code"]
    kept = api_create(trainer, title="Gardé").get_json()["code"]
    token = csrf_token(trainer, "/clips")
    for c in (code, kept):
        trainer.post(f"/c/{c}/delete", data={"csrf_token": token})
    with demo_app.app_context():
        db.session.scalar(select(Clip).filter_by(code=code)).deleted_at = utcnow() - timedelta(days=31)
        db.session.scalar(select(Clip).filter_by(code=kept)).deleted_at = utcnow() - timedelta(days=29)
        db.session.commit()
    result = demo_app.test_cli_runner().invoke(args=["empty-trash"])
    assert result.exit_code == 0 and "1 extrait(s) ou parcours effacé(s)" in result.output
    assert people["anonymous"].get(f"/c/{code}").status_code == 404
    assert people["anonymous"].get(f"/c/{kept}").status_code == 410
    assert "Gardé" in trainer.get("/clips/trash").get_data(as_text=True)
    with demo_app.app_context():
        assert db.session.scalar(select(AuditEvent).filter_by(action="clip.erase")).target_label == "Le DSA en deux minutes"


def test_a_collection_in_the_trash_answers_410_and_one_holding_a_deleted_clip_says_so(people):
    trainer, anonymous = people["trainer"], people["anonymous"]
    code = api_create(trainer).get_json()["code"]
    token = csrf_token(trainer, "/clips")
    edit_url = trainer.post("/collections/new", data={"csrf_token": token, "title": "Atelier DSA"}).headers["Location"]
    collection = edit_url.split("/")[2]
    trainer.post(f"/k/{collection}/items", data={"csrf_token": token, "clip": code})
    asked = trainer.get(f"/c/{code}/delete").get_data(as_text=True)
    assert "Il figure dans 1 parcours (Atelier DSA)" in asked
    trainer.post(f"/c/{code}/delete", data={"csrf_token": token})
    page = anonymous.get(f"/k/{collection}")
    assert page.status_code == 200 and "Cet extrait a été supprimé par la personne qui l'avait créé." in page.get_data(as_text=True)
    assert "Les extraits du parcours ne sont pas supprimés" in trainer.get(f"/k/{collection}/delete").get_data(as_text=True)
    trainer.post(f"/k/{collection}/delete", data={"csrf_token": token})
    assert anonymous.get(f"/k/{collection}").status_code == 410
    assert anonymous.get(f"/k/{collection}/qr.svg").status_code == 410
    assert people["other"].post(f"/k/{collection}/restore", data={"csrf_token": csrf_token(people["other"], "/clips")}).status_code == 403
    assert trainer.post(f"/k/{collection}/restore", data={"csrf_token": token}).status_code == 302
    assert anonymous.get(f"/k/{collection}").status_code == 200


def test_moving_a_clip_in_the_collection_editor_keeps_the_notes_typed_before(people, demo_app):
    from portal.models import Collection

    trainer = people["trainer"]
    first = api_create(trainer, title="Premier").get_json()["code"]
    second = api_create(trainer, title="Second", start_ms=120_000, end_ms=150_000).get_json()["code"]
    token = csrf_token(trainer, "/clips")
    edit_url = trainer.post("/collections/new", data={"csrf_token": token, "title": "Atelier"}).headers["Location"]
    code = edit_url.split("/")[2]
    for clip_code in (first, second):
        trainer.post(f"/k/{code}/items", data={"csrf_token": token, "clip": clip_code})
    with demo_app.app_context():
        items = [item.id for item in db.session.scalar(select(Collection).filter_by(code=code)).items]
    html = trainer.get(edit_url).get_data(as_text=True)
    assert f'name="move" value="{items[1]}:up"' in html and "Réordonner" not in html
    moved = trainer.post(
        edit_url,
        data={"csrf_token": token, "title": "Atelier, version 2", "intro": "", f"note-{items[0]}": "Lancer le débat", f"note-{items[1]}": "Montrer en premier", "move": f"{items[1]}:up"},
    )
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"#item-{items[1]}")
    page = people["anonymous"].get(f"/k/{code}").get_data(as_text=True)
    assert page.index("Second") < page.index("Premier")
    assert "Lancer le débat" in page and "Montrer en premier" in page and "Atelier, version 2" in page


def test_a_clip_is_added_to_a_collection_from_the_watch_page_and_from_any_clip_page(people, demo_app):
    from portal.models import Collection

    trainer, other = people["trainer"], people["other"]
    token = csrf_token(trainer, "/clips")
    trainer.post("/collections/new", data={"csrf_token": token, "title": "Atelier DSA"})
    with demo_app.app_context():
        mine = db.session.scalar(select(Collection).filter_by(title="Atelier DSA")).code
    watch = trainer.get("/webinars/session-2-loi").get_data(as_text=True)
    assert 'id="clip-collection"' in watch and f'value="{mine}">Atelier DSA</option>' in watch
    saved = trainer.post(
        "/clips/new",
        data={"csrf_token": token, "webinar": "session-2-loi", "start": "1:00", "end": "1:30", "title": "Signaler", "note": "", "collection": mine},
        follow_redirects=True,
    )
    assert "ajouté au parcours « Atelier DSA »" in saved.get_data(as_text=True)
    assert "Signaler" in people["anonymous"].get(f"/k/{mine}").get_data(as_text=True)
    # Another trainer's collection cannot be chosen, even by hand.
    assert other.post(
        "/clips/new", data={"csrf_token": csrf_token(other, "/clips"), "webinar": "session-2-loi", "start": "1:00", "end": "1:30", "title": "x", "collection": mine}
    ).status_code == 403
    # From someone else's clip page: into a new collection of one's own.
    code = api_create(trainer, title="Le signalement").get_json()["code"]
    clip_page = other.get(f"/c/{code}").get_data(as_text=True)
    assert "Ajouter à un parcours" in clip_page and 'value="new">Nouveau parcours…' in clip_page
    added = other.post(f"/c/{code}/add", data={"csrf_token": csrf_token(other, f"/c/{code}"), "collection": "new"})
    assert added.status_code == 302 and added.headers["Location"].endswith("/edit")
    assert "Le signalement" in other.get(added.headers["Location"]).get_data(as_text=True)
    assert "Ajouter à un parcours" not in people["anonymous"].get(f"/c/{code}").get_data(as_text=True)


# -- the trainer kit ---------------------------------------------------------------------------------


def _collection_with_two_clips(people) -> tuple[str, list[str]]:
    trainer = people["trainer"]
    codes = [
        api_create(trainer, title="Le DSA en deux minutes").get_json()["code"],
        api_create(trainer, title="Porter plainte", webinar="session-2-loi", start_ms=120_000, end_ms=150_000).get_json()["code"],
    ]
    token = csrf_token(trainer, "/clips")
    edit_url = trainer.post("/collections/new", data={"csrf_token": token, "title": "Atelier du 12 mars", "intro": "Deux moments à discuter."}).headers["Location"]
    code = edit_url.split("/")[2]
    for clip_code in codes:
        trainer.post(f"/k/{code}/items", data={"csrf_token": token, "clip": clip_code, "note": "Arrêter après l'extrait"})
    return code, codes


def test_the_kit_is_a_printable_page_with_each_clips_text_citation_and_qr_code(people):
    code, clip_codes = _collection_with_two_clips(people)
    anonymous = people["anonymous"]
    assert 'href="/k/' + code + '/kit"' in anonymous.get(f"/k/{code}").get_data(as_text=True)
    response = anonymous.get(f"/k/{code}/kit")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Atelier du 12 mars" in html and "Deux moments à discuter." in html
    assert html.count("<svg") == 2 and html.count('class="citation"') == 2
    assert "Le DSA en deux minutes" in html and "Porter plainte" in html and "2:00–2:30" in html
    assert f"/c/{clip_codes[0]}" in html and "Télécharger le PDF" in html and "css/kit.css" in html


def test_the_kits_pdf_holds_each_clips_title_and_citation(people, demo_app):
    from io import BytesIO

    from pypdf import PdfReader

    code, clip_codes = _collection_with_two_clips(people)
    response = people["anonymous"].get(f"/k/{code}/kit.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="parcours-{code}.pdf"'
    pdf = PdfReader(BytesIO(response.data))
    assert round(float(pdf.pages[0].mediabox.width)) == 595 and round(float(pdf.pages[0].mediabox.height)) == 842  # A4
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert f"1 / {len(pdf.pages)}" in text  # the page numbers of kit.css: the stylesheet was read, from disk
    assert "Atelier du 12 mars" in text and "Le DSA en deux minutes" in text and "Porter plainte" in text
    with demo_app.test_request_context():
        from portal import links
        from portal.services.clips import citation, find_clip

        for clip_code in clip_codes:
            expected = citation(find_clip(clip_code), links.clip_url(clip_code, external=True))
            assert " ".join(expected.split()) in text


def test_the_kits_pdf_is_rate_limited_per_address_and_a_trashed_collection_has_none(people, demo_app):
    code, _ = _collection_with_two_clips(people)
    demo_app.config["KIT_PDF_RATE_PER_MINUTE"] = 1
    anonymous = people["anonymous"]
    assert anonymous.get(f"/k/{code}/kit.pdf").status_code == 200
    refused = anonymous.get(f"/k/{code}/kit.pdf")
    assert refused.status_code == 429 and "Trop de PDF demandés" in refused.get_data(as_text=True) and refused.headers["Retry-After"]
    trainer = people["trainer"]
    trainer.post(f"/k/{code}/delete", data={"csrf_token": csrf_token(trainer, "/clips")})
    assert anonymous.get(f"/k/{code}/kit").status_code == 410
