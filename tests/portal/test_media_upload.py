"""A recording uploaded in the browser: streamed to the media folder, checked by ffprobe, or refused changing nothing."""

from __future__ import annotations

import html
import io
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Webinar
from tests.conftest import csrf_token, make_media

SLUG = "session-2-loi"


def _webinar_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Webinar.id).filter_by(slug=SLUG))


def _media_state(app) -> tuple:
    with app.app_context():
        w = db.session.scalar(select(Webinar).filter_by(slug=SLUG))
        return w.media_kind, w.media_src, w.media_type, w.duration_ms


def _files(app) -> set[str]:
    return {p.name for p in Path(app.config["MEDIA_DIR"]).rglob("*") if p.is_file()}


def _send(client, app, data: bytes, name: str, json: bool = False):
    url = f"/admin/webinars/{_webinar_id(app)}/media/"
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        url, data={"csrf_token": csrf_token(client, url), "file": (io.BytesIO(data), name)}, content_type="multipart/form-data", headers=headers
    )


def test_an_uploaded_recording_becomes_the_webinars_with_its_real_duration(demo_app, demo_admin, tmp_path):
    raw = make_media(tmp_path / "reunion.opus", 4, "opus").read_bytes()
    response = _send(demo_admin, demo_app, raw, "Réunion Zoom (finale).opus")
    assert response.status_code == 302
    page = demo_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nouvel enregistrement en ligne : audio seul, son Opus, 0:04" in page
    kind, src, media_type, duration_ms = _media_state(demo_app)
    assert kind == "file" and re.fullmatch(r"[0-9a-f]{32}\.opus", src) and media_type == "audio/ogg"
    assert abs(duration_ms - 4000) < 100  # the file's, not the catalogue's
    stored = Path(demo_app.config["MEDIA_DIR"]) / src
    assert stored.read_bytes() == raw
    assert not list((Path(demo_app.config["MEDIA_DIR"]) / ".incoming").glob("*.part"))  # nothing left aside
    with demo_app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="webinar.media"))
        assert "son Opus" in event.details
    watch = demo_admin.get(f"/webinars/{SLUG}").get_data(as_text=True)
    assert f"/media/{src}" in watch
    ranged = demo_app.test_client().get(f"/media/{src}", headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and ranged.data == raw[:100]
    ranged.close()


def test_the_script_gets_json_where_to_go_or_why_not(demo_app, demo_admin, tmp_path):
    ok = _send(demo_admin, demo_app, make_media(tmp_path / "a.mp4", 2, "mp4").read_bytes(), "a.mp4", json=True)
    assert ok.status_code == 200 and ok.get_json() == {"ok": True, "redirect": f"/admin/webinars/{_webinar_id(demo_app)}/media/"}
    refused = _send(demo_admin, demo_app, bytes(30_000), "b.mp4", json=True)
    assert refused.status_code == 400 and refused.get_json()["error"]["status"] == 400
    assert "n'est pas un enregistrement lisible" in refused.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "kind, words",
    [("corrupt", "n'est pas un enregistrement lisible"), ("silent-mp4", "ne contient pas de son"), ("flac", "convertissez-le"), ("empty", "Choisissez un fichier")],
)
def test_a_bad_file_is_refused_with_its_reason_and_changes_nothing(demo_app, demo_admin, tmp_path, kind, words):
    before, files = _media_state(demo_app), _files(demo_app)
    if kind == "corrupt":
        raw = bytes(50_000)  # zeros: never taken for a recording (random bytes could, once in a while)
    elif kind == "empty":
        raw = b""
    else:
        raw = make_media(tmp_path / "f", 2, kind).read_bytes()
    response = _send(demo_admin, demo_app, raw, "enregistrement.mp4")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and words in page and "Rien n'a été modifié." in page and 'id="media-error" autofocus' in page
    assert _media_state(demo_app) == before and _files(demo_app) == files


def test_a_file_over_the_limit_is_refused_before_it_is_stored(demo_app, demo_admin, tmp_path):
    demo_app.config["MAX_MEDIA_BYTES"] = 20_000
    before, files = _media_state(demo_app), _files(demo_app)
    response = _send(demo_admin, demo_app, os.urandom(60_000), "gros.mp4")
    assert response.status_code == 413
    assert _media_state(demo_app) == before and _files(demo_app) == files
    # The limit of other forms is not this one: a transcript over the media limit is still checked as a transcript.
    assert demo_app.config["MAX_CONTENT_LENGTH"] > 20_000


def test_only_admins_upload_recordings(demo_app, demo_admin):
    from tests.conftest import signed_in_client

    url = f"/admin/webinars/{_webinar_id(demo_app)}/media/"
    trainer = signed_in_client(demo_app, "trainer@example.org", "amber river folds paper", "trainer")
    assert trainer.get(url).status_code == 403
    anonymous = demo_app.test_client()
    response = anonymous.post(url, data={"file": (io.BytesIO(b"x" * 100), "a.mp4")}, content_type="multipart/form-data")
    assert response.status_code in (302, 400, 403)
    assert not list((Path(demo_app.config["MEDIA_DIR"]) / ".incoming").glob("*.part"))
    page = demo_admin.get(url).get_data(as_text=True)
    assert "Envoyer un enregistrement" in page and 'enctype="multipart/form-data"' in page


def test_a_200_mb_upload_does_not_grow_the_servers_memory_by_more_than_50_mb(demo_app, demo_admin):
    """Sent over real HTTP in pieces (the client holds none of it) to the app served from a thread;
    the process's resident memory is sampled while the server receives it."""
    import http.client
    import importlib.metadata
    import threading
    import time

    from tests.browser.conftest import serve

    def rss() -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise AssertionError("no VmRSS")

    url = f"/admin/webinars/{_webinar_id(demo_app)}/media/"
    token = csrf_token(demo_admin, url)
    cookie = "; ".join(f"{c.key}={c.value}" for c in demo_admin._cookies.values())
    boundary = "----portal-memory-test"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size, block = 200 * 1024 * 1024, bytes(1024 * 1024)
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(rss())
            time.sleep(0.02)

    for base in serve(demo_app):
        host, port = base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=120)
        connection.putrequest("POST", url)
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(len(head) + size + len(tail)))
        connection.putheader("Cookie", cookie)
        # The test client's own: sign-ins are bound to the address and browser that made them.
        connection.putheader("User-Agent", f"Werkzeug/{importlib.metadata.version('werkzeug')}")
        connection.endheaders()
        baseline = rss()
        sampler = threading.Thread(target=sample)
        sampler.start()
        connection.send(head)
        for _ in range(size // len(block)):
            connection.send(block)
        connection.send(tail)
        response = connection.getresponse()
        body = response.read().decode()
        location = response.getheader("Location")
        done.set()
        sampler.join()
        connection.close()
    assert response.status == 400 and "n'est pas un enregistrement lisible" in html.unescape(body), (response.status, location)  # zeros: received whole, then refused
    print(f"resident memory while receiving 200 MB: +{(max(samples) - baseline) / 1048576:.1f} MB over {len(samples)} samples")
    assert max(samples) - baseline < 50 * 1024 * 1024, (baseline, max(samples))
    assert not list((Path(demo_app.config["MEDIA_DIR"]) / ".incoming").glob("*.part"))
