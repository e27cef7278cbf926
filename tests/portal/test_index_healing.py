"""An index whose files are damaged while people search: never a 500, and it rebuilds by itself."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from portal.services import indexing


def generation_files(app) -> list[Path]:
    with app.app_context():
        generation = indexing.get_store().current_generation()
    return [p for p in generation.iterdir() if p.is_file() and not p.name.endswith(".json")]


def damage(files: list[Path], how: str) -> None:
    for path in files:
        if how == "random":
            size = path.stat().st_size
            path.write_bytes(os.urandom(max(size, 64)))
        else:
            path.write_bytes(b"")


def wait_for_hits(client, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = client.get("/api/v1/search?q=plainte").get_json()
        if data["total_hits"]:
            return data
        time.sleep(0.2)
    raise AssertionError("the index did not come back by itself")


@pytest.mark.parametrize("how", ["random", "truncated"])
def test_damaged_index_files_never_give_a_500_and_the_index_rebuilds_itself(demo_app, how):
    demo_app.config["SEARCH_RATE_PER_MINUTE"] = 0
    client = demo_app.test_client()
    before = client.get("/api/v1/search?q=plainte").get_json()["total_hits"]
    assert before > 0
    statuses: list[int] = []
    stop = threading.Event()

    def search_all_the_time():
        other = demo_app.test_client()
        while not stop.is_set():
            for url in ("/api/v1/search?q=plainte", "/search?q=harc%C3%A8lement", "/api/v1/webinars/session-2-loi/search?q=Pharos", "/resources/?q=DSA"):
                statuses.append(other.get(url).status_code)

    searchers = [threading.Thread(target=search_all_the_time) for _ in range(2)]
    for thread in searchers:
        thread.start()
    try:
        time.sleep(0.3)
        damage(generation_files(demo_app), how)
        answered = client.get("/search?q=plainte")
        assert answered.status_code == 200
        after = wait_for_hits(client)
    finally:
        stop.set()
        for thread in searchers:
            thread.join()
    assert after["total_hits"] == before
    assert statuses and all(status < 500 for status in statuses), sorted(set(statuses))
    with demo_app.app_context():
        assert indexing.check() == []


def test_a_persistent_fault_is_not_rebuilt_in_a_loop(demo_app):
    with demo_app.app_context():
        store = indexing.get_store()
        with store.healing() as first:
            assert first
        with store.healing() as again:
            assert not again  # within a minute of the last


def test_a_change_the_index_could_not_follow_is_applied_by_the_next_catch_up(demo_app, demo_admin):
    """The index is locked by another writer when a new version is confirmed (as if the worker died
    between the commit and the index update): the version is active and audited at once, and becomes
    searchable by itself once the index can be written again."""
    import io
    import re

    from sqlalchemy import func, select
    from whoosh.index import open_dir

    from portal.extensions import db
    from portal.models import AuditEvent, IndexTask, Webinar
    from tests.conftest import SAMPLE_VTT, csrf_token

    demo_app.config["SEARCH_WRITER_TIMEOUT_S"] = 0.2
    with demo_app.app_context():
        webinar_id = db.session.scalar(select(Webinar.id).filter_by(slug="session-2-loi"))
        store = indexing.get_store()
        store.writer_timeout = 0.2
        generation = store.current_generation()
    blocker = open_dir(str(generation)).writer()  # another process holding Whoosh's write lock
    try:
        url = f"/admin/webinars/{webinar_id}/transcripts"
        raw = SAMPLE_VTT.replace("Bienvenue", "Quetzalcoatl bienvenue").encode()
        preview = demo_admin.post(url, data={"csrf_token": csrf_token(demo_admin, url), "file": (io.BytesIO(raw), "v2.vtt")}, content_type="multipart/form-data").get_data(as_text=True)
        token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview).group(1)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', preview).group(1)
        assert demo_admin.post(f"{url}/confirm", data={"csrf_token": csrf, "token": token}).status_code == 302
        with demo_app.app_context():
            webinar = db.session.get(Webinar, webinar_id)
            assert webinar.active_transcript.version == 2
            assert db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(action="transcript.upload")) == 1
            assert db.session.scalar(select(func.count()).select_from(IndexTask).filter_by(webinar_id=webinar_id)) >= 1
            assert indexing.lag().sequences >= 1  # the journal has the change, the index not yet
    finally:
        blocker.cancel()
    client = demo_app.test_client()
    client.get("/api/v1/search?q=bienvenue")  # a search starts the catch-up, in the background
    deadline = time.monotonic() + 15
    while indexing.catch_up_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.get("/api/v1/search?q=quetzalcoatl").get_json()["total_hits"] == 1
    with demo_app.app_context():
        assert indexing.lag().sequences == 0
        assert indexing.check() == []


@pytest.mark.parametrize("action", ["unpublish", "delete"])
def test_unpublishing_or_deleting_while_the_index_is_locked_answers_normally_and_is_caught_up(demo_app, demo_admin, action):
    from sqlalchemy import select
    from whoosh.index import open_dir

    from portal.extensions import db
    from portal.models import Webinar
    from tests.conftest import csrf_token

    with demo_app.app_context():
        webinar_id = db.session.scalar(select(Webinar.id).filter_by(slug="session-2-loi"))
        store = indexing.get_store()
        store.writer_timeout = 0.3
        generation = store.current_generation()
    client = demo_app.test_client()
    assert client.get("/api/v1/search?q=pharos").get_json()["total_hits"] > 0
    edit = f"/admin/webinars/{webinar_id}"
    blocker = open_dir(str(generation)).writer()  # another process writing the index
    try:
        if action == "unpublish":
            response = demo_admin.post(f"{edit}/publish", data={"csrf_token": csrf_token(demo_admin, edit), "published": "0"})
        else:
            response = demo_admin.post(f"{edit}/delete", data={"csrf_token": csrf_token(demo_admin, edit), "confirm_slug": "session-2-loi"})
        assert response.status_code == 302
    finally:
        blocker.cancel()
    deadline = time.monotonic() + 15
    while (indexing.catch_up_running() or client.get("/api/v1/search?q=pharos").get_json()["total_hits"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert client.get("/api/v1/search?q=pharos").get_json()["total_hits"] == 0
    with demo_app.app_context():
        assert indexing.check() == []


def test_a_change_saved_while_the_index_is_being_written_is_still_applied_after(demo_app):
    """A long update (say 40 s of a 110,000-line transcript) must not count as having applied a version
    confirmed meanwhile: that one is applied by the next round."""
    import sqlalchemy as sa
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Webinar

    with demo_app.app_context():
        webinar = db.session.scalar(select(Webinar).filter_by(slug="session-2-loi"))
        indexing.queue(webinar_id=webinar.id)
        db.session.commit()

        def write(wait, covers):
            indexing._write_webinar(webinar, wait, covers)
            with db.engine.begin() as other:  # another request, during the write
                other.execute(sa.text("INSERT INTO index_tasks (webinar_id, created_at) VALUES (:w, '2026-12-02 12:00:00+00:00')"), {"w": webinar.id})

        assert indexing._follow(webinar.slug, write, webinar_id=webinar.id)
        assert indexing.lag().sequences == 1  # the first change is applied, not the one saved during the write
        assert indexing.catch_up() == 1
        assert indexing.lag().sequences == 0
        assert indexing.catch_up() == 0  # nothing left: nothing rewritten


def test_one_process_at_a_time_catches_up_a_webinar(demo_app, tmp_path):
    from search_index.store import IndexStore

    with demo_app.app_context():
        root = indexing.get_store().root
    other = IndexStore(root)  # another worker's store: its own lock file handle
    with other.claim("w1") as first:
        with indexing.get_store(demo_app).claim("w1") as second:
            assert first is True and second is False
    with indexing.get_store(demo_app).claim("w1") as again:
        assert again is True


def test_while_the_index_is_damaged_and_not_yet_rebuilt_searches_are_answered_by_the_previous_one(demo_app, demo_admin):
    with demo_app.app_context():
        indexing.rebuild()  # the demo's first generation becomes the fallback
        store = indexing.get_store()
        assert store.previous_generation() is not None
        (store.root / ".last-heal").touch()  # a rebuild just ran: healing waits a minute
    client = demo_app.test_client()
    before = client.get("/api/v1/search?q=plainte").get_json()["total_hits"]
    with demo_app.app_context():
        indexing.get_store().close()
    damage(generation_files(demo_app), "random")
    first = client.get("/search?q=plainte")
    assert first.status_code == 200  # the search that finds the damage says so, without a 500
    answers = [client.get("/api/v1/search?q=plainte") for _ in range(5)]
    assert all(a.status_code == 200 and a.get_json()["total_hits"] == before for a in answers)
    assert client.get("/search?q=plainte").status_code == 200
    page = demo_admin.get("/admin/operations").get_data(as_text=True)
    assert "servies par sa version précédente" in page
    with demo_app.app_context():
        (indexing.get_store().root / ".last-heal").unlink()
        indexing.rebuild()
        assert not indexing.get_store().serving_previous()
        assert indexing.check() == []


def test_a_write_that_read_a_webinar_before_its_deletion_cannot_put_it_back_after(demo_app):
    """A catch-up reads a webinar, then is slow to write it; meanwhile the webinar is deleted and its
    deletion applied. The writes of one webinar take turns: the deletion waits, so it lands last."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Webinar
    from portal.services.webinars import delete_webinar

    with demo_app.app_context():
        webinar_id = db.session.scalar(select(Webinar.id).filter_by(slug="session-2-loi"))
    read, go_on = threading.Event(), threading.Event()

    def slow_catch_up() -> None:
        with demo_app.app_context():
            def write(wait, covers):
                webinar = db.session.get(Webinar, webinar_id)
                doc = indexing.webinar_doc(webinar)  # read before the deletion
                read.set()
                go_on.wait(10)
                indexing.get_store().replace_webinar(doc, timeout=wait, covers=covers)

            indexing._follow("slow catch-up", write, webinar_id=webinar_id)
            db.session.remove()

    thread = threading.Thread(target=slow_catch_up)
    thread.start()
    assert read.wait(10)
    with demo_app.app_context():
        deleting = threading.Timer(0.3, go_on.set)  # the slow write goes on while the deletion waits its turn
        deleting.start()
        delete_webinar(db.session.get(Webinar, webinar_id))
        deleting.join()
    thread.join(10)
    with demo_app.app_context():
        assert webinar_id not in indexing.get_store().indexed_webinars()
        assert indexing.check() == []
