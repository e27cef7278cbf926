"""Sign-in, sessions, throttling, passwords and reset links, through HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import User
from portal.services.accounts import PasswordError, check_password_policy, common_passwords
from tests.conftest import ADMIN_PASSWORD, _make_user, csrf_token, sign_in


def test_common_password_list_is_large_and_used():
    assert len(common_passwords()) >= 10_000
    for bad in ["password1234", "azertyuiop", "motdepasse123", "123456789012"]:
        with pytest.raises(PasswordError):
            check_password_policy(bad)
    with pytest.raises(PasswordError, match="12 caractères"):
        check_password_policy("court")
    check_password_policy("violet mountain quietly sings")


def test_sign_in_and_out(app):
    _make_user(app, "a@example.org", ADMIN_PASSWORD, "admin")
    client = app.test_client()
    response = sign_in(client, "A@Example.org ", ADMIN_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    token = csrf_token(client, "/admin/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_wrong_password_is_refused_without_saying_which_part(app):
    _make_user(app, "a@example.org", ADMIN_PASSWORD, "admin")
    client = app.test_client()
    for email in ("a@example.org", "nobody@example.org"):
        response = sign_in(client, email, "wrong password here")
        assert response.status_code == 400
        assert "Adresse e-mail ou mot de passe incorrect" in response.get_data(as_text=True)


def test_session_is_renewed_at_sign_in(app):
    _make_user(app, "a@example.org", ADMIN_PASSWORD, "admin")
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, "a@example.org", ADMIN_PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session and session.get("_user_id")


def test_remember_me_sets_a_lasting_cookie(app):
    _make_user(app, "a@example.org", ADMIN_PASSWORD, "admin")
    client = app.test_client()
    sign_in(client, "a@example.org", ADMIN_PASSWORD, remember="y")
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/admin/users", "/admin/users"),
        ("https://evil.example/", "/admin/"),
        ("//evil.example/", "/admin/"),
        ("/\\evil.example", "/admin/"),
        ("javascript:alert(1)", "/admin/"),
        ("http:/evil.example", "/admin/"),
        (" //evil.example", "/admin/"),
    ],
)
def test_next_redirects_only_to_the_portal(app, target, expected):
    _make_user(app, "a@example.org", ADMIN_PASSWORD, "admin")
    client = app.test_client()
    response = sign_in(client, "a@example.org", ADMIN_PASSWORD, next=target)
    assert response.headers["Location"] == expected


def test_sign_in_limit_per_account_says_when_to_retry(app):
    _make_user(app, "a@example.org", ADMIN_PASSWORD, "admin")
    client = app.test_client()
    for _ in range(5):
        assert sign_in(client, "a@example.org", "not the password at all").status_code == 400
    blocked = sign_in(client, "a@example.org", ADMIN_PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    assert "Réessayez dans 15 minutes" in blocked.get_data(as_text=True)


def test_sign_in_limit_per_address(app):
    client = app.test_client()
    for i in range(20):
        sign_in(client, f"user{i}@example.org", "not the password at all")
    _make_user(app, "a@example.org", ADMIN_PASSWORD, "admin")
    assert sign_in(client, "a@example.org", ADMIN_PASSWORD).status_code == 429


def test_disabled_account_cannot_sign_in(admin_client, app):
    _make_user(app, "t@example.org", "violet mountain quietly sings", "trainer")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).filter_by(email="t@example.org"))
    token = csrf_token(admin_client, "/admin/users")
    admin_client.post(f"/admin/users/{user_id}/active", data={"csrf_token": token, "active": "0"})
    assert sign_in(app.test_client(), "t@example.org", "violet mountain quietly sings").status_code == 400
    admin_client.post(f"/admin/users/{user_id}/active", data={"csrf_token": token, "active": "1"})
    assert sign_in(app.test_client(), "t@example.org", "violet mountain quietly sings").status_code == 302


def test_admin_creates_an_account_with_french_field_errors(admin_client, app):
    token = csrf_token(admin_client, "/admin/users")
    bad = admin_client.post("/admin/users", data={"csrf_token": token, "email": "pas-un-email", "role": "trainer", "password": "password1234", "confirm": "password1234"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Adresse e-mail invalide" in html and 'value="pas-un-email"' in html
    weak = admin_client.post("/admin/users", data={"csrf_token": token, "email": "t@example.org", "role": "trainer", "password": "password1234", "confirm": "password1234"})
    assert "plus courants" in weak.get_data(as_text=True)
    good = admin_client.post("/admin/users", data={"csrf_token": token, "email": "t@example.org", "role": "trainer", "password": "violet mountain quietly sings", "confirm": "violet mountain quietly sings"})
    assert good.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="t@example.org"))
        assert user.role == "trainer" and user.password_hash.startswith("scrypt:")


def test_reset_link_works_once(admin_client, app):
    _make_user(app, "t@example.org", "violet mountain quietly sings", "trainer")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).filter_by(email="t@example.org"))
    token = csrf_token(admin_client, "/admin/users")
    page = admin_client.post(f"/admin/users/{user_id}/reset", data={"csrf_token": token}).get_data(as_text=True)
    import re

    link = re.search(r'value="(http://localhost/reset/[^"]+)"', page).group(1).replace("http://localhost", "")
    visitor = app.test_client()
    form_token = csrf_token(visitor, link)
    done = visitor.post(link, data={"csrf_token": form_token, "password": "purple elephant dances slowly", "confirm": "purple elephant dances slowly"})
    assert done.status_code == 302
    assert sign_in(app.test_client(), "t@example.org", "purple elephant dances slowly").status_code == 302
    assert visitor.get(link).status_code == 404


def test_user_changes_own_password(trainer_client, app):
    token = csrf_token(trainer_client, "/account/password")
    wrong = trainer_client.post("/account/password", data={"csrf_token": token, "current": "nope", "password": "purple elephant dances slowly", "confirm": "purple elephant dances slowly"})
    assert "Mot de passe actuel incorrect" in wrong.get_data(as_text=True)
    ok = trainer_client.post("/account/password", data={"csrf_token": token, "current": "violet mountain quietly sings", "password": "purple elephant dances slowly", "confirm": "purple elephant dances slowly"})
    assert ok.status_code == 302
    assert sign_in(app.test_client(), "trainer@example.org", "purple elephant dances slowly").status_code == 302
