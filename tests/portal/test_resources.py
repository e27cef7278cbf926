"""The resource library: files checked by content, the demo's references, pages, search, admin and link checking."""

from __future__ import annotations

import http.server
import io
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Resource, ResourceLink, Webinar
from portal.services.resources import ResourceError, check_file, sniff
from tests.conftest import csrf_token, make_office, make_pdf

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.mark.parametrize(
    "raw, name, extension",
    [
        (make_pdf("Bonjour"), "guide.pdf", ".pdf"),
        (PNG, "schema.png", ".png"),
        (JPEG, "photo.jpeg", ".jpg"),
        (make_office("odp"), "diapos.odp", ".odp"),
        (make_office("pptx"), "diapos.pptx", ".pptx"),
        (make_office("docx"), "note.docx", ".docx"),
    ],
)
def test_accepted_files_are_recognised_by_content(app, raw, name, extension):
    with app.app_context():
        assert check_file(raw, name).extension == extension


@pytest.mark.parametrize(
    "raw, name, words",
    [
        (b"<!doctype html><script>alert(1)</script>", "rapport.pdf", "n'est pas un fichier accepté"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "rapport.pdf", "n'est pas un fichier accepté"),
        (b"MZ\x90\x00" + b"\x00" * 100, "diapos.pptx", "n'est pas un fichier accepté"),
        (PNG, "rapport.pdf", "son contenu est un fichier image PNG"),
        (make_office("docx"), "diapos.pptx", "son contenu est un fichier document Word"),
        (b"PK\x03\x04 not really a zip", "a.docx", "n'est pas un fichier accepté"),
        (b"", "vide.pdf", "vide"),
    ],
)
def test_files_are_refused_for_what_they_are_not(app, raw, name, words):
    with app.app_context(), pytest.raises(ResourceError) as info:
        check_file(raw, name)
    assert words in info.value.message.replace("’", "'")


def test_size_limit(app):
    app.config["MAX_RESOURCE_BYTES"] = 100
    with app.app_context(), pytest.raises(ResourceError, match="au plus"):
        check_file(make_pdf("x" * 200), "gros.pdf")


def test_the_size_message_reads_as_french_writes_sizes(app):
    app.config["MAX_RESOURCE_BYTES"] = 20 * 1024 * 1024
    with app.test_request_context("/"), pytest.raises(ResourceError) as refused:
        check_file(b"%PDF-1.7" + b"x" * (25 * 1024 * 1024 + 600 * 1024), "gros.pdf")
    assert str(refused.value) == "Le fichier pèse 25,6\u00a0Mo ; 20\u00a0Mo au plus."


def test_sniff_knows_nothing_else():
    assert sniff(b"GIF89a") is None and sniff(b"%PDF-1.7") is not None


# -- the demo catalogue --------------------------------------------------------------------------


def test_each_demo_session_shows_resources_with_one_at_a_moment(demo_client):
    for slug in ("session-1-algorithmes", "session-2-loi", "session-3-enquetes", "session-4-contentieux"):
        html = demo_client.get(f"/webinars/{slug}").get_data(as_text=True)
        section = html.split('id="resources-title"', 1)[1].split("</section>", 1)[0]
        assert section.count("<li>") >= 2, slug
        assert 'class="ts"' in section, slug  # one is tied to a moment
        assert 'class="resource-marker"' in html.split('id="transcript"', 1)[1], slug


def test_marker_sits_on_the_cue_said_at_that_moment(demo_app):
    with demo_app.app_context():
        link = db.session.scalar(select(ResourceLink).join(Resource).where(Resource.title.startswith("Pharos")))
        start = link.start_ms
    html = demo_app.test_client().get("/webinars/session-2-loi").get_data(as_text=True)
    cue = re.search(r'<li id="cue-\d+" class="cue" data-start-ms="(\d+)" data-end-ms="(\d+)">(?:(?!</li>).)*?Ressource : Pharos', html, re.S)
    assert cue and int(cue.group(1)) <= start < int(cue.group(2)) + 1000
    assert "Pharos" in cue.group(0) and "Pharos" in html[cue.start():cue.end()]


def test_outbound_links_do_not_leak_the_referrer(demo_client):
    html = demo_client.get("/resources/1").get_data(as_text=True)
    external = re.findall(r'<a [^>]*href="https?://[^"]+"[^>]*>', html)
    assert external and all('rel="noopener noreferrer external"' in a for a in external)


def test_library_filters_and_search(demo_client):
    everything = demo_client.get("/resources/").get_data(as_text=True)
    assert everything.count('class="card"') == 8
    organisations = demo_client.get("/resources/?kind=organisation").get_data(as_text=True)
    assert organisations.count('class="card"') == 5 and "Règlement (UE)" not in organisations
    algorithms = demo_client.get("/resources/?theme=algorithms").get_data(as_text=True)
    assert "AI Forensics" in algorithms and "Pharos" not in algorithms
    searched = demo_client.get("/resources/?q=reglement+services+numeriques").get_data(as_text=True)
    assert "Règlement (UE) 2022/2065" in searched and "Pharos" not in searched
    odd = demo_client.get("/resources/?kind=<b>&theme=zz")
    assert odd.status_code == 200 and "Type inconnu" in odd.get_data(as_text=True) and "<b>" not in odd.get_data(as_text=True)


def test_resource_page_lists_webinars_and_moments(demo_client):
    html = demo_client.get("/resources/1").get_data(as_text=True)
    assert "Citée dans les webinaires" in html
    assert html.count('href="/webinars/session-') >= 4 and "?t=248.319" in html


def test_search_shows_resources_in_their_own_group_linked_to_the_moment(demo_client):
    data = demo_client.get("/api/v1/search?q=Pharos").get_json()
    resource = data["resources"][0]
    assert resource["title"].startswith("Pharos") and resource["moments"][0]["url"] == "/webinars/session-2-loi?t=433.883"
    assert "<mark>Pharos</mark>" in resource["snippet_html"]
    html = demo_client.get("/search?q=Pharos").get_data(as_text=True)
    assert 'id="rm-title">Ressources<' in html


def test_importing_the_demo_twice_changes_no_resource(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["load-demo"])
    with app.app_context():
        before = (db.session.scalar(select(func.count()).select_from(Resource)), db.session.scalar(select(func.count()).select_from(ResourceLink)))
    second = runner.invoke(args=["load-demo"])
    assert "ressource" not in second.output
    with app.app_context():
        after = (db.session.scalar(select(func.count()).select_from(Resource)), db.session.scalar(select(func.count()).select_from(ResourceLink)))
    assert before == after == (8, 16)


# -- admin ---------------------------------------------------------------------------------------


def upload_resource(client, **fields):
    token = csrf_token(client, "/admin/resources/new")
    data = {"csrf_token": token, "title": "Guide", "kind": "document", "language": "fr", "description": "", "url": ""}
    data.update(fields)
    return client.post("/admin/resources/new", data=data, content_type="multipart/form-data")


def test_uploaded_pdf_is_searchable_and_served_safely(demo_app, demo_admin):
    pdf = make_pdf("Guide pratique du signalement ornithorynque")
    response = upload_resource(demo_admin, title="Guide du signalement", file=(io.BytesIO(pdf), "../../etc/passwd.pdf"), themes=["law"])
    assert response.status_code == 302
    resource_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with demo_app.app_context():
        resource = db.session.get(Resource, resource_id)
        assert re.fullmatch(r"[0-9a-f]{32}\.pdf", resource.file_name)
        assert "ornithorynque" in resource.text and resource.original_filename == "passwd.pdf"
    data = demo_admin.get("/api/v1/search?q=ornithorynque").get_json()
    assert [r["id"] for r in data["resources"]] == [resource_id]
    with demo_admin.get(f"/resources/{resource_id}/file") as served:
        assert served.data == pdf and served.mimetype == "application/pdf"
        assert served.headers["Content-Disposition"].startswith("attachment") and "passwd.pdf" in served.headers["Content-Disposition"]
        assert "sandbox" in served.headers["Content-Security-Policy"] and served.headers["X-Content-Type-Options"] == "nosniff"


def test_html_named_pdf_is_refused_and_nothing_is_stored(demo_app, demo_admin):
    response = upload_resource(demo_admin, file=(io.BytesIO(b"<html><script>alert(1)</script></html>"), "rapport.pdf"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "n&#39;est pas un fichier accepté" in html and 'value="Guide"' in html
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Resource)) == 8
    stored = Path(demo_app.config["RESOURCE_DIR"])
    assert not stored.exists() or not any(stored.iterdir())


def test_admin_links_a_resource_at_a_moment_then_removes_it(demo_app, demo_admin):
    response = upload_resource(demo_admin, title="Article sur la modération", kind="article", url="https://example.org/article")
    resource_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with demo_app.app_context():
        webinar_id = db.session.scalar(select(Webinar.id).filter_by(slug="session-1-algorithmes"))
    token = csrf_token(demo_admin, f"/admin/resources/{resource_id}")
    bad = demo_admin.post(f"/admin/resources/{resource_id}/links", data={"csrf_token": token, "webinar": str(webinar_id), "at": "9:99:99"}, follow_redirects=True)
    assert "Lien non ajouté" in bad.get_data(as_text=True)
    demo_admin.post(f"/admin/resources/{resource_id}/links", data={"csrf_token": token, "webinar": str(webinar_id), "at": "0:01:30", "note": "à lire"})
    html = demo_admin.get("/webinars/session-1-algorithmes").get_data(as_text=True)
    assert "Ressource : Article sur la modération" in html
    with demo_app.app_context():
        link_id = db.session.scalar(select(ResourceLink.id).filter_by(resource_id=resource_id))
    demo_admin.post(f"/admin/resources/links/{link_id}/delete", data={"csrf_token": token})
    assert "Ressource : Article sur la modération" not in demo_admin.get("/webinars/session-1-algorithmes").get_data(as_text=True)
    demo_admin.post(f"/admin/resources/{resource_id}/delete", data={"csrf_token": token})
    assert demo_admin.get(f"/resources/{resource_id}").status_code == 404
    assert all(r["id"] != resource_id for r in demo_admin.get("/api/v1/search?q=moderation").get_json()["resources"])


def test_attach_from_the_watch_page_at_the_current_time(demo_app, demo_admin):
    html = demo_admin.get("/webinars/session-4-contentieux?t=200").get_data(as_text=True)
    assert "Attacher une ressource à ce moment" in html and 'id="attach-at" name="at" type="text" value="3:20"' in html
    token = csrf_token(demo_admin, "/webinars/session-4-contentieux")
    response = demo_admin.post("/admin/resources/attach", data={"csrf_token": token, "webinar": "session-4-contentieux", "resource": "3", "at": "3:20", "note": "Signaler aussi"})
    assert response.status_code == 302
    html = demo_admin.get("/webinars/session-4-contentieux").get_data(as_text=True)
    assert re.search(r'href="/webinars/session-4-contentieux\?t=200"[^>]*>.*?</a> <a href="/resources/3">Pharos', html, re.S)
    anonymous = demo_app.test_client()
    assert "Attacher une ressource" not in anonymous.get("/webinars/session-4-contentieux").get_data(as_text=True)


def test_resource_admin_is_for_admins_only(demo_app, demo_client):
    token = csrf_token(demo_client, "/login")
    assert demo_client.post("/admin/resources/attach", data={"csrf_token": token}).status_code == 302
    assert demo_client.get("/admin/resources").status_code == 302


# -- link checking against a local server ------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        if self.path == "/head-refused":
            self.send_response(405)
        else:
            self.send_response(200 if self.path in ("/ok", "/head-refused") else 404)
        self.end_headers()

    def do_GET(self):
        self.send_response(200 if self.path in ("/ok", "/head-refused") else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_check_links_lists_dead_links(app):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with app.app_context():
            for path in ("/ok", "/gone", "/head-refused"):
                db.session.add(Resource(title=f"Lien {path}", kind="other", url=base + path))
            db.session.add(Resource(title="Nulle part", kind="other", url="http://127.0.0.1:9/"))
            db.session.commit()
        result = app.test_cli_runner().invoke(args=["check-links", "--timeout", "3"])
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1
    assert f"MORT 404 {base}/gone" in result.output and "injoignable" in result.output
    assert "/ok" not in result.output.replace("4 lien", "") and "head-refused" not in result.output
    assert "4 lien(s) vérifié(s), 2 mort(s)." in result.output


def test_a_zip_bomb_is_inspected_without_being_inflated():
    import io
    import tracemalloc
    import zipfile

    from portal.services.resources import sniff

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:  # 256 MiB of zeros in a quarter of a MB
            chunk = b"\0" * (1 << 20)
            for _ in range(256):
                member.write(chunk)
        archive.writestr("content.xml", "<x/>")
    bomb = buffer.getvalue()
    assert len(bomb) < (1 << 20)
    tracemalloc.start()
    try:
        assert sniff(bomb) is None  # not an ODP: its "mimetype" is zeros, read 200 bytes at most
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * (1 << 20), peak


def test_a_resource_takes_a_theme_created_in_the_admin_and_the_library_filters_by_it(demo_app, demo_admin):
    token = csrf_token(demo_admin, "/admin/themes/new")
    created = demo_admin.post("/admin/themes/new", data={"csrf_token": token, "slug": "moderation", "label": "Modération", "description": "d"})
    assert created.status_code == 302
    response = upload_resource(demo_admin, title="Charte de modération", kind="article", url="https://example.org/charte", themes=["moderation"])
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    resource_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with demo_app.app_context():
        assert [t.slug for t in db.session.get(Resource, resource_id).themes] == ["moderation"]
    library = demo_admin.get("/resources/?theme=moderation").get_data(as_text=True)
    assert "Charte de modération" in library and "Pharos" not in library


def test_the_resource_form_names_the_configured_size_limit(demo_app, demo_admin):
    demo_app.config["MAX_RESOURCE_BYTES"] = 5 * 1024 * 1024
    page = demo_admin.get("/admin/resources/new").get_data(as_text=True)
    assert "PDF, ODP, PPTX, DOCX, PNG ou JPEG ; 5\u00a0Mo au plus." in page
