"""The admin through HTTP: guards, CSRF, catalogue editing, transcript uploads, versions, audit, operations."""

from __future__ import annotations

import io
import re
import time

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Cue, Transcript, Webinar
from portal.services import indexing
from tests.conftest import CORPUS, SAMPLE_VTT, csrf_token
from tests.media_meta.test_vtt import MALFORMED, OUTCOMES


def admin_urls(app) -> list[tuple[str, str]]:
    """Every admin route with placeholder ids, and its methods."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        url = re.sub(r"<int:\w+>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, url))
    return urls


def test_every_admin_route_refuses_anonymous_users(app, make_webinar):
    make_webinar("un", transcript=SAMPLE_VTT)
    client = app.test_client()
    token = csrf_token(client, "/login")  # a valid token, so the refusal comes from the role guard
    urls = admin_urls(app)
    assert len(urls) >= 20
    for method, url in urls:
        response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next="), (method, url)


def test_every_admin_route_refuses_trainers(app, trainer_client, make_webinar):
    make_webinar("un", transcript=SAMPLE_VTT)
    token = csrf_token(trainer_client, "/account/password")
    for method, url in admin_urls(app):
        data = {"csrf_token": token} if method == "POST" else None
        assert trainer_client.open(url, method=method, data=data).status_code == 403, (method, url)


def test_forms_without_csrf_token_are_refused(admin_client, app, make_webinar):
    webinar_id = make_webinar("un", transcript=SAMPLE_VTT)
    for url, data in [
        ("/admin/webinars/new", {"title": "x"}),
        (f"/admin/webinars/{webinar_id}/publish", {"published": "0"}),
        (f"/admin/webinars/{webinar_id}/delete", {"confirm_slug": "un"}),
        ("/admin/users", {"email": "x@example.org"}),
        ("/logout", {}),
        ("/admin/operations", {}),
    ]:
        response = admin_client.post(url, data=data)
        assert response.status_code == 400, url
        assert "Le formulaire a expiré" in response.get_data(as_text=True) or url == "/logout"
    with app.app_context():
        assert db.session.get(Webinar, webinar_id).published is True


WEBINAR_FORM = {
    "title": "Session 5 : modération",
    "slug": "session-5-moderation",
    "question": "Qui modère ?",
    "description": "Une description.",
    "starts_at": "2024-10-10 12:30",
    "timezone": "Europe/Paris",
    "duration": "1:30:00",
    "language": "fr",
    "themes": ["algorithms", "law"],
    "speakers": "",
    "speakers_note": "",
    "media_kind": "youtube",
    "media_src": "https://youtu.be/dQw4w9WgXcQ",
    "chapters": "0:00 Introduction\n0:12:30 Le DSA",
    "published": "y",
}


def test_the_media_kinds_offered_are_the_kinds_media_meta_knows(admin_client):
    from media_meta.sources import MEDIA_KINDS

    page = admin_client.get("/admin/webinars/new").get_data(as_text=True)
    select_html = page[page.index('name="media_kind"'):]
    offered = re.findall(r'<option[^>]*value="([a-z]*)"', select_html[: select_html.index("</select>")])
    assert tuple(offered) == ("", *MEDIA_KINDS)


def test_create_webinar_errors_are_in_french_and_keep_what_was_typed(admin_client, app):
    token = csrf_token(admin_client, "/admin/webinars/new")
    bad = dict(WEBINAR_FORM, slug="Pas Bon", starts_at="demain", media_src="https://example.org/x", csrf_token=token)
    response = admin_client.post("/admin/webinars/new", data=bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Uniquement des minuscules" in html
    assert 'value="Session 5 : modération"' in html and "Qui modère ?" in html  # nothing lost
    response = admin_client.post("/admin/webinars/new", data=dict(WEBINAR_FORM, starts_at="demain", csrf_token=token))
    assert "Date attendue au format" in response.get_data(as_text=True)
    response = admin_client.post("/admin/webinars/new", data=dict(WEBINAR_FORM, media_src="https://example.org/x", csrf_token=token))
    assert "YouTube reconnue" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Webinar)) == 0


def test_create_edit_publish_and_delete_a_webinar(admin_client, app):
    token = csrf_token(admin_client, "/admin/webinars/new")
    response = admin_client.post("/admin/webinars/new", data=dict(WEBINAR_FORM, csrf_token=token))
    assert response.status_code == 302
    with app.app_context():
        webinar = db.session.scalar(select(Webinar).filter_by(slug="session-5-moderation"))
        assert webinar.local_start.isoformat() == "2024-10-10T12:30:00+02:00"
        assert webinar.duration_ms == 5_400_000 and [t.slug for t in webinar.themes] == ["algorithms", "law"]
        assert [(c.start_ms, c.title) for c in webinar.chapters] == [(0, "Introduction"), (750_000, "Le DSA")]
        assert webinar.media_kind == "youtube" and webinar.media_src == "dQw4w9WgXcQ"
        webinar_id = webinar.id
    assert app.test_client().get("/webinars/session-5-moderation").status_code == 200
    edit = admin_client.get(f"/admin/webinars/{webinar_id}").get_data(as_text=True)
    assert "12:30 Le DSA" in edit
    admin_client.post(f"/admin/webinars/{webinar_id}/publish", data={"csrf_token": token, "published": "0"})
    assert app.test_client().get("/webinars/session-5-moderation").status_code == 404
    refused = admin_client.post(f"/admin/webinars/{webinar_id}/delete", data={"csrf_token": token, "confirm_slug": "oups"})
    assert refused.status_code == 302
    admin_client.post(f"/admin/webinars/{webinar_id}/delete", data={"csrf_token": token, "confirm_slug": "session-5-moderation"})
    with app.app_context():
        assert db.session.get(Webinar, webinar_id) is None
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions[-3:] == ["webinar.create", "webinar.unpublish", "webinar.delete"][-3:] or "webinar.delete" in actions


def upload(client, webinar_id: int, raw: bytes, name: str = "nouvelle.vtt"):
    token = csrf_token(client, f"/admin/webinars/{webinar_id}/transcripts")
    return client.post(
        f"/admin/webinars/{webinar_id}/transcripts",
        data={"csrf_token": token, "file": (io.BytesIO(raw), name)},
        content_type="multipart/form-data",
    )


def confirm(client, webinar_id: int, preview_html: str):
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview_html).group(1)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', preview_html).group(1)
    return client.post(f"/admin/webinars/{webinar_id}/transcripts/confirm", data={"csrf_token": csrf, "token": token})


def snapshot(app, client) -> dict:
    with app.app_context():
        rows = [(t.id, t.version, t.sha256, t.cue_count) for t in db.session.scalars(select(Transcript).order_by(Transcript.id))]
        cues = db.session.scalar(select(func.count()).select_from(Cue))
        active = {w.slug: w.active_transcript_id for w in db.session.scalars(select(Webinar))}
        differences = [d.message for d in indexing.check()]
    search = client.get("/api/v1/search?q=Pharos").get_json()
    return {"rows": rows, "cues": cues, "active": active, "index": differences, "search": (search["total_hits"], search["facets"])}


def _session2_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Webinar.id).filter_by(slug="session-2-loi"))


@pytest.mark.parametrize("name", sorted(n for n, o in OUTCOMES.items() if o[0] == "reject") + [f"own:{k}" for k in sorted(MALFORMED)])
def test_malformed_upload_shows_its_message_and_changes_nothing(demo_app, demo_admin, name):
    webinar_id = _session2_id(demo_app)
    if name.startswith("own:"):
        raw, line, _code, words = MALFORMED[name[4:]]
        filename = "x.srt" if name == "own:bad_srt" else "x.vtt"
    else:
        raw, line, words = (CORPUS / name).read_bytes(), OUTCOMES[name][1], ""
        filename = name.rsplit("/", 1)[-1]
    before = snapshot(demo_app, demo_admin)
    response = upload(demo_admin, webinar_id, raw, filename)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Fichier refusé" in html and "la version active reste en ligne" in html
    if line is not None:
        assert f"Fichier refusé, ligne {line} :" in html
    assert words.replace("'", "&#39;") in html
    assert snapshot(demo_app, demo_admin) == before


def test_valid_upload_preview_confirm_then_searchable(demo_app, demo_admin):
    webinar_id = _session2_id(demo_app)
    raw = SAMPLE_VTT.replace("Bienvenue", "Xylophonique bienvenue").encode()
    preview = upload(demo_admin, webinar_id, raw, "session2-v2.vtt")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Aperçu avant publication" in html and "Xylophonique bienvenue" in html and "4 répliques" in html
    assert "Animation, Intervenante" in html
    # nothing changes before the admin confirms
    assert demo_admin.get("/api/v1/search?q=xylophonique").get_json()["total_hits"] == 0
    started = time.monotonic()
    done = confirm(demo_admin, webinar_id, html)
    assert done.status_code == 302
    while demo_admin.get("/api/v1/search?q=xylophonique").get_json()["total_hits"] == 0:
        assert time.monotonic() - started < 5
        time.sleep(0.05)
    with demo_app.app_context():
        webinar = db.session.get(Webinar, webinar_id)
        assert webinar.active_transcript.version == 2 and webinar.active_transcript.original_filename == "session2-v2.vtt"
        assert webinar.active_transcript.uploaded_by.email == "admin@example.org"
    versions = demo_admin.get(f"/admin/webinars/{webinar_id}/transcripts").get_data(as_text=True)
    assert "session2-v2.vtt" in versions and "admin@example.org" in versions and "(active)" in versions
    # the same confirmation cannot be replayed
    assert "plus en attente" in demo_admin.post(
        f"/admin/webinars/{webinar_id}/transcripts/confirm",
        data={"csrf_token": csrf_token(demo_admin, f"/admin/webinars/{webinar_id}/transcripts"), "token": "x"},
        follow_redirects=True,
    ).get_data(as_text=True)


def test_preview_shows_warnings(demo_app, demo_admin):
    raw = b"WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nun\n\n00:00:04.000 --> 00:00:06.000\ndeux\n\n00:03:00.000 --> 00:03:05.000\ntrois\n"
    html = upload(demo_admin, _session2_id(demo_app), raw).get_data(as_text=True)
    assert "Points à vérifier (3)" in html
    assert "avant la fin de la précédente" in html and "silence de plus d&#39;une minute" in html and "aucun nom d&#39;intervenant" in html


def test_versions_download_byte_for_byte_and_reactivate(demo_app, demo_admin):
    webinar_id = _session2_id(demo_app)
    raw = "\ufeffWEBVTT\r\n\r\n00:00:01.000 --> 00:00:02.000\r\n<v Animation>Octogonal</v>\r\n".encode("utf-8")
    confirm(demo_admin, webinar_id, upload(demo_admin, webinar_id, raw, "crlf.vtt").get_data(as_text=True))
    with demo_app.app_context():
        transcripts = list(db.session.scalars(select(Transcript).filter_by(webinar_id=webinar_id).order_by(Transcript.version)))
        first, second = transcripts[0].id, transcripts[1].id
    download = demo_admin.get(f"/admin/transcripts/{second}/download")
    assert download.data == raw and "attachment" in download.headers["Content-Disposition"]
    assert demo_admin.get("/api/v1/search?q=Pharos&webinar=session-2-loi").get_json()["total_hits"] == 0
    token = csrf_token(demo_admin, f"/admin/webinars/{webinar_id}/transcripts")
    demo_admin.post(f"/admin/transcripts/{first}/activate", data={"csrf_token": token})
    assert demo_admin.get("/api/v1/search?q=Pharos&webinar=session-2-loi").get_json()["total_hits"] > 0
    with demo_app.app_context():
        assert db.session.get(Webinar, webinar_id).active_transcript_id == first
        assert indexing.check() == []


def test_cue_correction_makes_a_new_version_searchable_at_once(demo_app, demo_admin):
    webinar_id = _session2_id(demo_app)
    with demo_app.app_context():
        cue = db.session.get(Webinar, webinar_id).active_transcript.cues[5]
        cue_id, old_text = cue.id, cue.text
    url = f"/admin/webinars/{webinar_id}/cues/{cue_id}"
    token = csrf_token(demo_admin, url)
    response = demo_admin.post(url, data={"csrf_token": token, "speaker": "Animation", "text": "Texte corrigé avec zanzibar.", "note": "coquille"})
    assert response.status_code == 302
    assert demo_admin.get("/api/v1/search?q=zanzibar").get_json()["total_hits"] == 1
    with demo_app.app_context():
        webinar = db.session.get(Webinar, webinar_id)
        assert webinar.active_transcript.version == 2 and webinar.active_transcript.source == "edit"
        assert webinar.transcripts[0].cues[5].text == old_text  # the previous version is intact
        assert len(webinar.active_transcript.cues) == len(webinar.transcripts[0].cues)
        event = db.session.scalar(select(AuditEvent).filter_by(action="transcript.edit_cue"))
        assert "zanzibar" in event.details and event.user_email == "admin@example.org"


def test_a_correction_with_a_blank_line_keeps_every_line(demo_app, demo_admin):
    webinar_id = _session2_id(demo_app)
    with demo_app.app_context():
        cue_id = db.session.get(Webinar, webinar_id).active_transcript.cues[3].id
    url = f"/admin/webinars/{webinar_id}/cues/{cue_id}"
    text = "Première partie de la réplique.\r\n\r\n\r\nSeconde partie, après une ligne vide."
    response = demo_admin.post(url, data={"csrf_token": csrf_token(demo_admin, url), "speaker": "Animation", "text": text})
    assert response.status_code == 302
    with demo_app.app_context():
        webinar = db.session.get(Webinar, webinar_id)
        assert webinar.active_transcript.cues[3].text == "Première partie de la réplique. Seconde partie, après une ligne vide."
        assert len(webinar.active_transcript.cues) == len(webinar.transcripts[0].cues)


def test_audit_log_is_filterable(demo_app, demo_admin):
    webinar_id = _session2_id(demo_app)
    upload(demo_admin, webinar_id, b"pas un fichier", "x.vtt")
    page = demo_admin.get("/admin/audit?action=transcript").get_data(as_text=True)
    assert "<td>transcript.rejected</td>" in page and "<td>account.sign_in</td>" not in page
    page = demo_admin.get("/admin/audit?target_type=account").get_data(as_text=True)
    assert "<td>account.sign_in</td>" in page and "<td>transcript.rejected</td>" not in page


def test_operations_page_reports_and_rebuilds_without_blocking(demo_app, demo_admin):
    page = demo_admin.get("/admin/operations").get_data(as_text=True)
    assert "conforme à la base" in page and "Documents" in page
    with demo_app.app_context():
        webinar = db.session.scalar(select(Webinar).filter_by(slug="session-1-algorithmes"))
        indexing.get_store().delete_document(f"c:{webinar.active_transcript.cues[0].id}")
    assert "divergence" in demo_admin.get("/admin/operations").get_data(as_text=True)
    token = csrf_token(demo_admin, "/admin/operations")
    assert demo_admin.post("/admin/operations", data={"csrf_token": token}).status_code == 302
    assert demo_admin.get("/api/v1/search?q=DSA").status_code == 200  # the site answers meanwhile
    deadline = time.monotonic() + 20
    while "conforme à la base" not in demo_admin.get("/admin/operations").get_data(as_text=True):
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_script_in_cue_text_is_escaped_everywhere(demo_app, demo_admin):
    webinar_id = _session2_id(demo_app)
    evil = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Mallory &lt;b&gt;>Attention &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; kaléidoscope\n"
    preview = upload(demo_admin, webinar_id, evil.encode()).get_data(as_text=True)
    confirm(demo_admin, webinar_id, preview)
    pages = [
        preview,
        demo_admin.get("/webinars/session-2-loi").get_data(as_text=True),
        demo_admin.get("/search?q=kaleidoscope").get_data(as_text=True),
        demo_admin.get(f"/admin/webinars/{webinar_id}/cues").get_data(as_text=True),
        str(demo_admin.get("/api/v1/search?q=kaleidoscope").get_json()["webinars"][0]["hits"][0]["snippet_html"]),
    ]
    for html in pages:
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
    assert "<mark>kaléidoscope</mark>" in pages[4]


def test_oversized_upload_gets_a_413_page(demo_app, demo_admin):
    demo_app.config["MAX_CONTENT_LENGTH"] = 2000
    response = upload(demo_admin, _session2_id(demo_app), b"WEBVTT\n\n" + b"x" * 5000)
    assert response.status_code == 413 and "trop volumineux" in response.get_data(as_text=True)


def test_file_over_the_transcript_limit_is_refused_with_its_size(demo_app, demo_admin):
    demo_app.config["MAX_TRANSCRIPT_BYTES"] = 1000
    raw = b"WEBVTT\n\n" + b"00:00:01.000 --> 00:00:02.000\nbla bla\n\n" * 40
    html = upload(demo_admin, _session2_id(demo_app), raw).get_data(as_text=True)
    assert "au-delà de la limite" in html


def test_admin_creates_and_edits_themes_and_speakers(admin_client, app):
    token = csrf_token(admin_client, "/admin/themes/new")
    bad = admin_client.post("/admin/themes/new", data={"csrf_token": token, "slug": "Pas Bon", "label": "X"})
    assert bad.status_code == 400 and "Uniquement des minuscules" in bad.get_data(as_text=True)
    assert admin_client.post("/admin/themes/new", data={"csrf_token": token, "slug": "law", "label": "X"}).status_code == 400
    assert admin_client.post("/admin/themes/new", data={"csrf_token": token, "slug": "moderation", "label": "Modération", "description": "d"}).status_code == 302
    assert "Modération" in app.test_client().get("/").get_data(as_text=True)
    from portal.models import Theme

    with app.app_context():
        theme_id = db.session.scalar(select(Theme.id).filter_by(slug="moderation"))
    admin_client.post(f"/admin/themes/{theme_id}", data={"csrf_token": token, "label": "Modération des contenus", "description": "d"})
    assert "Modération des contenus" in app.test_client().get("/themes/moderation").get_data(as_text=True)
    created = admin_client.post("/admin/speakers/new", data={"csrf_token": token, "name": "Personne Test", "affiliation": "Asso", "bio": "Bio"})
    assert created.status_code == 302
    duplicate = admin_client.post("/admin/speakers/new", data={"csrf_token": token, "name": "Personne Test"})
    assert duplicate.status_code == 400 and "déjà ce nom" in duplicate.get_data(as_text=True)


def test_two_simultaneous_confirms_make_one_version_and_tell_the_second(demo_app, demo_admin):
    import threading

    from portal.models import AuditEvent, PendingUpload

    webinar_id = _session2_id(demo_app)
    for attempt in range(3):
        html = upload(demo_admin, webinar_id, SAMPLE_VTT.replace("Bienvenue", f"Essai {attempt}").encode(), f"double-{attempt}.vtt").get_data(as_text=True)
        with demo_app.app_context():
            before = db.session.get(Webinar, webinar_id).active_transcript.version
        barrier = threading.Barrier(2)
        answers: list[str] = []

        def press(barrier=barrier, answers=answers, html=html):
            barrier.wait()
            answers.append(confirm(demo_admin, webinar_id, html).headers.get("Location", ""))

        presses = [threading.Thread(target=press) for _ in range(2)]
        for thread in presses:
            thread.start()
        for thread in presses:
            thread.join()
        assert len(answers) == 2  # both answered (a redirect with a message), neither a 500
        with demo_app.app_context():
            webinar = db.session.get(Webinar, webinar_id)
            assert webinar.active_transcript.version == before + 1  # one new version, not two
            assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 0
            audited = db.session.scalars(select(AuditEvent).filter_by(action="transcript.upload", target_id=webinar.active_transcript_id)).all()
            assert len(audited) == 1  # and it is audited, once
        messages = demo_admin.get(f"/admin/webinars/{webinar_id}/transcripts").get_data(as_text=True)
        assert "Version" in messages or "plus en attente" in messages or "Une autre version" in messages


def test_a_version_its_audit_and_the_end_of_its_upload_are_saved_together(demo_app, demo_admin):
    from portal.models import AuditEvent, PendingUpload

    webinar_id = _session2_id(demo_app)
    html = upload(demo_admin, webinar_id, SAMPLE_VTT.encode(), "ensemble.vtt").get_data(as_text=True)
    with demo_app.app_context():
        audits = db.session.scalar(select(func.count()).select_from(AuditEvent))
        # the audit row cannot be written (a constraint the database enforces): nothing at all is saved
        db.session.execute(db.text("CREATE TRIGGER no_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
        db.session.commit()
    before = snapshot(demo_app, demo_admin)
    response = confirm(demo_admin, webinar_id, html)
    assert response.status_code in (302, 500) and response.status_code != 200
    assert snapshot(demo_app, demo_admin) == before
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 1  # still there to retry
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audits
        db.session.execute(db.text("DROP TRIGGER no_audit"))
        db.session.commit()
    assert confirm(demo_admin, webinar_id, html).status_code == 302
    assert snapshot(demo_app, demo_admin) != before


# -- a transcript too long to index within a request -----------------------------------------------


def lines_vtt(count: int, word: str) -> bytes:
    lines = ["WEBVTT", ""]
    for i in range(count):
        start = 2 * i
        lines += [f"00:{start // 60:02d}:{start % 60:02d}.000 --> 00:{start // 60:02d}:{start % 60:02d}.900", f"Réplique {i} : {word}.", ""]
    return "\n".join(lines).encode()


def wait_for_catch_up(timeout: float = 15.0) -> None:
    import time

    from portal.services import indexing

    deadline = time.monotonic() + timeout
    while indexing.catch_up_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not indexing.catch_up_running()


def test_a_long_transcript_is_online_at_once_and_indexed_in_the_background_with_its_progress(demo_app, demo_admin):
    """Over INDEX_IN_REQUEST_CUES lines, the confirmation answers without indexing: the version is active
    and audited, its index task queued; the transcript page shows the indexing's progress, which ends
    by itself (here the index is held by another writer until the page has been seen)."""
    from sqlalchemy import func, select
    from whoosh.index import open_dir

    from portal.extensions import db
    from portal.models import AuditEvent, IndexTask, Webinar
    from portal.services import indexing

    demo_app.config["INDEX_IN_REQUEST_CUES"] = 20
    webinar_id = _session2_id(demo_app)
    with demo_app.app_context():
        store = indexing.get_store()
        store.writer_timeout = 10.0
        generation = store.current_generation()
    html = upload(demo_admin, webinar_id, lines_vtt(30, "Xylophone")).get_data(as_text=True)
    blocker = open_dir(str(generation)).writer()  # the background job must wait for it
    try:
        response = confirm(demo_admin, webinar_id, html)
        assert response.status_code == 302
        page = demo_admin.get(response.headers["Location"]).get_data(as_text=True)
        assert "la recherche la trouvera dès la fin de son indexation" in page
        assert "Indexation pour la recherche en cours." in page and 'max="30" value="0"' in page
        assert "0 répliques sur 30 (0 %)" in page
        progress = demo_admin.get(f"/admin/webinars/{webinar_id}/index-progress").get_json()
        assert progress == {"pending": True, "done": 0, "total": 30, "percent": 0}
        with demo_app.app_context():
            webinar = db.session.get(Webinar, webinar_id)
            assert webinar.active_transcript.version == 2 and webinar.active_transcript.cue_count == 30
            assert db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(action="transcript.upload")) == 1
            assert db.session.scalar(select(func.count()).select_from(IndexTask).filter_by(webinar_id=webinar_id)) >= 1
        assert demo_admin.get("/webinars/session-2-loi").status_code == 200  # online: the watch page has it
        assert "1 modification pas encore dans l'index" in demo_admin.get("/admin/operations").get_data(as_text=True)
    finally:
        blocker.cancel()
    wait_for_catch_up()
    assert demo_admin.get("/api/v1/search?q=xylophone").get_json()["total_hits"] == 30
    assert demo_admin.get(f"/admin/webinars/{webinar_id}/index-progress").get_json() == {"pending": False}
    assert "Indexation pour la recherche en cours." not in demo_admin.get(f"/admin/webinars/{webinar_id}/transcripts").get_data(as_text=True)
    assert "aucune modification" in demo_admin.get("/admin/operations").get_data(as_text=True)
    with demo_app.app_context():
        assert indexing.check() == []


def test_a_long_transcript_from_the_command_line_is_indexed_before_it_returns(app, make_webinar):
    app.config["INDEX_IN_REQUEST_CUES"] = 5
    from portal.services import indexing

    with app.app_context():
        indexing.rebuild()
    make_webinar("en-ligne-de-commande", transcript=lines_vtt(30, "Zanzibar"))
    assert app.test_client().get("/api/v1/search?q=zanzibar").get_json()["total_hits"] == 30


def test_the_progress_of_an_unknown_webinar_is_a_404(demo_admin):
    assert demo_admin.get("/admin/webinars/999999/index-progress").status_code == 404


def test_a_windows_1252_file_is_previewed_with_its_accents_and_kept_byte_for_byte(demo_app, demo_admin):
    webinar_id = _session2_id(demo_app)
    raw = "1\r\n00:00:01,000 --> 00:00:04,000\r\nIntervenante : L’œuvre des associations agréées contre le harcèlement.\r\n".encode("cp1252")
    preview = upload(demo_admin, webinar_id, raw, "ancien-outil.srt").get_data(as_text=True)
    assert "fichier converti depuis Windows-1252 : vérifiez les accents dans l&#39;aperçu." in preview
    assert "L’œuvre des associations agréées contre le harcèlement." in preview
    confirm(demo_admin, webinar_id, preview)
    assert demo_admin.get("/api/v1/search?q=agréées&webinar=session-2-loi").get_json()["total_hits"] == 1
    with demo_app.app_context():
        version = db.session.scalar(select(Transcript).filter_by(webinar_id=webinar_id).order_by(Transcript.version.desc()).limit(1))
        assert version.raw == raw
    assert demo_admin.get(f"/admin/transcripts/{version.id}/download").data == raw
    assert version.encoding == "Windows-1252"
    assert "converti depuis Windows-1252" in demo_admin.get(f"/admin/webinars/{webinar_id}/transcripts").get_data(as_text=True)


def test_the_preview_and_each_version_show_what_changes_from_the_active_one(demo_app, demo_admin):
    webinar_id = _session2_id(demo_app)
    original = demo_admin.get("/webinars/session-2-loi/transcript.vtt").get_data(as_text=True)
    blocks = original.split("\n\n")
    cue_blocks = [i for i, b in enumerate(blocks) if "-->" in b]
    edited = list(blocks)
    edited[cue_blocks[1]] = edited[cue_blocks[1]].replace("</v>", " Ajout de test.</v>", 1) if "</v>" in edited[cue_blocks[1]] else edited[cue_blocks[1]] + " Ajout de test."
    del edited[cue_blocks[3]]  # one line removed
    preview = upload(demo_admin, webinar_id, "\n\n".join(edited).encode(), "corrigee.vtt").get_data(as_text=True)
    assert "Ce qui change par rapport à la version active (1)" in preview
    assert "<strong>0</strong> réplique ajoutée" in preview and "<strong>1</strong> supprimée" in preview
    assert "<strong>1</strong> au texte" in preview and "Ajout de test." in preview
    assert confirm(demo_admin, webinar_id, preview).status_code == 302
    # the previous version, seen from the new active one: the same changes the other way round
    with demo_app.app_context():
        first = db.session.scalar(select(Transcript).filter_by(webinar_id=webinar_id, version=1))
        first_id = first.id
    page = demo_admin.get(f"/admin/webinars/{webinar_id}/transcripts").get_data(as_text=True)
    assert f"/admin/transcripts/{first_id}/changes" in page
    changes = demo_admin.get(f"/admin/transcripts/{first_id}/changes").get_data(as_text=True)
    assert "<strong>1</strong> réplique ajoutée" in changes and "<strong>0</strong> supprimée" in changes
    assert demo_admin.get("/admin/transcripts/999999/changes").status_code == 404
    same = upload(demo_admin, webinar_id, "\n\n".join(edited).encode(), "encore.vtt").get_data(as_text=True)
    assert "Aucune différence" in same
