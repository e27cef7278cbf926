"""The thesaurus over HTTP: seeded, applied to every search, edited by admins (audited), no reindex."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, SynonymGroup
from portal.services.synonyms import DEFAULT_SYNONYMS
from tests.conftest import csrf_token


def api(client, **params):
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200
    return response.get_json()


def hits(data):
    return [h for w in data["webinars"] for h in w["hits"]]


def test_a_new_portal_has_the_fields_vocabulary(app):
    with app.app_context():
        groups = [g.expression_list for g in db.session.scalars(select(SynonymGroup))]
    assert len(groups) >= 25 and len(groups) == len(DEFAULT_SYNONYMS)
    assert ["DSA", "règlement sur les services numériques", "Digital Services Act"] in groups
    assert any("cyberharcèlement" in g and "harcèlement en ligne" in g for g in groups)


def test_the_words_of_the_law_find_the_passages_that_say_dsa(demo_client):
    data = api(demo_client, q="Digital Services Act")
    found = hits(data)
    assert found and {h["via"][0] for h in found if h["via"]} <= {"DSA", "règlement sur les services numériques"}
    assert any(h["via"] == ["DSA"] for h in found)
    assert any("<mark>DSA</mark>" in h["snippet_html"] for h in found)


def test_cyberharcelement_finds_harcelement_en_ligne_and_the_page_says_so(demo_client):
    found = hits(api(demo_client, q="cyberharcèlement"))
    assert any(h["via"] == ["harcèlement en ligne"] for h in found)
    page = demo_client.get("/search?q=cyberharc%C3%A8lement").get_data(as_text=True)
    assert "trouvé via « harcèlement en ligne »" in page


def test_a_quoted_expression_is_not_expanded(demo_client):
    assert all(not h["via"] for h in hits(api(demo_client, q='"cyberharcèlement"')))


def test_an_admin_adds_edits_and_deletes_a_group_and_searches_follow_without_reindex(demo_admin, demo_app):
    client = demo_admin
    assert api(client, q="zorglubette")["total_hits"] == 0
    page = client.get("/admin/synonyms/")
    assert page.status_code == 200 and "Synonymes et sigles" in page.get_data(as_text=True)
    token = csrf_token(client, "/admin/synonyms/")
    response = client.post("/admin/synonyms/", data={"csrf_token": token, "expressions": "zorglubette = commissariat", "note": "essai"})
    assert response.status_code == 302
    found = hits(api(client, q="zorglubette"))
    assert found and all(h["via"] == ["commissariat"] for h in found)
    with demo_app.app_context():
        group = db.session.scalar(select(SynonymGroup).filter_by(note="essai"))
        assert group.expression_list == ["zorglubette", "commissariat"]
        group_id = group.id
    # editing: the other expression changes, and so do the results
    token = csrf_token(client, f"/admin/synonyms/{group_id}")
    assert client.post(f"/admin/synonyms/{group_id}", data={"csrf_token": token, "expressions": "zorglubette\ntémoin"}).status_code == 302
    assert {h["via"][0] for h in hits(api(client, q="zorglubette"))} == {"témoin"}
    token = csrf_token(client, "/admin/synonyms/")
    assert client.post(f"/admin/synonyms/{group_id}/delete", data={"csrf_token": token}).status_code == 302
    assert api(client, q="zorglubette")["total_hits"] == 0
    with demo_app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent).filter_by(target_type="synonym_group").order_by(AuditEvent.id))]
    assert actions == ["synonyms.save", "synonyms.save", "synonyms.delete"]


def test_a_bad_group_is_refused_with_its_reason_and_nothing_changes(admin_client, app):
    with app.app_context():
        before = [g.expressions for g in db.session.scalars(select(SynonymGroup).order_by(SynonymGroup.id))]
    cases = {
        "seul": "au moins deux expressions",
        "le\nla": "mots trop courants",
        "Pharos\nSignal Conso": "est déjà dans le groupe « Pharos = plateforme de signalement »",
        "harcèl*\nharcèlement": "étoile",
        "a" * 101 + "\nmot": "trop long",
    }
    for text, reason in cases.items():
        token = csrf_token(admin_client, "/admin/synonyms/")
        response = admin_client.post("/admin/synonyms/", data={"csrf_token": token, "expressions": text})
        assert response.status_code == 400
        assert reason in response.get_data(as_text=True), text
    with app.app_context():
        after = [g.expressions for g in db.session.scalars(select(SynonymGroup).order_by(SynonymGroup.id))]
    assert after == before


def test_the_thesaurus_is_for_admins_only(client, trainer_client, app):
    assert client.get("/admin/synonyms/").status_code == 302
    assert trainer_client.get("/admin/synonyms/").status_code == 403
    assert client.post("/admin/synonyms/1/delete").status_code in (302, 400)
    with app.app_context():
        assert db.session.get(SynonymGroup, 1) is not None
