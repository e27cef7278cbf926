"""Headers, hosts, media and degraded storage: what the portal promises when things are not normal."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Webinar
from tests.conftest import ADMIN_PASSWORD, _make_app, _make_user, close_app, csrf_token, sign_in, signed_in_client


def test_405_says_which_methods_are_allowed(demo_client):
    response = demo_client.delete("/webinars/session-2-loi")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert "Content-Security-Policy" in response.headers


def test_private_pages_are_never_cached_public_ones_may_be(demo_app):
    visitor = demo_app.test_client()
    for url in ("/login", "/reset/unknown-token"):
        assert visitor.get(url).headers.get("Cache-Control") == "no-store", url
    assert "no-store" not in visitor.get("/webinars/session-2-loi").headers.get("Cache-Control", "")
    admin = signed_in_client(demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")
    for url in ("/admin/", "/admin/users", "/account/password", "/clips", "/webinars/session-2-loi"):
        assert admin.get(url).headers.get("Cache-Control") == "no-store", url


def test_only_trusted_host_names_are_answered(tmp_path):
    app = _make_app(tmp_path, TRUSTED_HOSTS=["replays.example.org", "localhost"])
    with app.app_context():
        from portal.cli import init_schema

        init_schema()
    client = app.test_client()
    for url in ("/", "/oembed?url=http://evil.example/c/abcdefgh", "/webinars/nope", "/static/css/portal.css"):
        refused = client.get(url, headers={"Host": "evil.example"})
        assert refused.status_code == 400 and "nom d'hôte" in refused.get_data(as_text=True), url
    assert client.get("/", headers={"Host": "replays.example.org"}).status_code == 200
    close_app(app)


def test_production_needs_its_host_names_and_sends_hsts(tmp_path):
    with pytest.raises(RuntimeError, match="PORTAL_TRUSTED_HOSTS"):
        _make_app(tmp_path / "a", ENV_NAME="production", SECRET_KEY="x" * 40)
    from portal import create_app

    app = create_app(
        "production", INSTANCE_PATH=str(tmp_path / "b"), SECRET_KEY="y" * 40, TRUSTED_HOSTS=["localhost"],
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite3'}", SEARCH_INDEX_DIR=str(tmp_path / "ix"), MEDIA_DIR=str(tmp_path / "m"),
    )
    with app.app_context():
        from portal.cli import init_schema

        init_schema()
    response = app.test_client().get("/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    close_app(app)


def test_media_of_an_unpublished_webinar_is_only_for_admins(demo_app):
    client = demo_app.test_client()
    with demo_app.app_context():
        webinar = db.session.scalar(select(Webinar).filter_by(slug="session-2-loi"))
        name = webinar.media_src
        webinar.published = False
        db.session.commit()
    with client.get(f"/media/{name}") as response:
        assert response.status_code == 404
    admin = signed_in_client(demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")
    with admin.get(f"/media/{name}", headers={"Range": "bytes=0-99"}) as response:
        assert response.status_code == 206
    public = re.search(r'src="(/media/[0-9a-f]{32}\.opus)', client.get("/webinars/session-1-algorithmes").get_data(as_text=True)).group(1)
    with client.get(public, headers={"Range": "bytes=0-99"}) as response:
        assert response.status_code == 206  # a published webinar's media stays public


def test_a_full_database_loses_the_failure_count_not_the_answer(app, caplog):
    _make_user(app, "a@example.org", ADMIN_PASSWORD, "admin")
    client = app.test_client()
    token = csrf_token(client, "/login")
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
        engine.dispose()

    @event.listens_for(engine, "connect")
    def full(dbapi_connection, record):  # as if the disk were full: nothing can be written
        dbapi_connection.execute("PRAGMA query_only = ON")

    for _ in range(3):
        wrong = client.post("/login", data={"email": "a@example.org", "password": "not the right one", "csrf_token": token})
        assert wrong.status_code == 400 and "incorrect" in wrong.get_data(as_text=True)
    assert "not counted" in caplog.text
    right = client.post("/login", data={"email": "a@example.org", "password": ADMIN_PASSWORD, "csrf_token": token})
    # a sign-in must be recorded to be revocable: it is refused in words, not with a 500
    assert right.status_code == 503 and "pas pu être enregistrée" in right.get_data(as_text=True)
    event.remove(engine, "connect", full)
    with app.app_context():
        engine.dispose()
    assert sign_in(client, "a@example.org", ADMIN_PASSWORD).status_code == 302  # once the disk has room again
