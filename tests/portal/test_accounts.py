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


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_five_wrong_passwords_from_one_address_stop_that_address_only(app):
    _make_user(app, "a@example.org", ADMIN_PASSWORD, "admin")
    attacker = from_address(app, "203.0.113.7")
    for _ in range(5):
        assert sign_in(attacker, "a@example.org", "not the password at all").status_code == 400
    blocked = sign_in(attacker, "a@example.org", ADMIN_PASSWORD)  # the pair limit holds, even for the right password
    assert blocked.status_code == 429 and "Réessayez dans 15 minutes" in blocked.get_data(as_text=True)
    assert 840 <= int(blocked.headers["Retry-After"]) <= 900
    # the real person, elsewhere, signs in at once
    assert sign_in(from_address(app, "198.51.100.2"), "a@example.org", ADMIN_PASSWORD).status_code == 302
    # and the attacker's address stays stopped
    assert sign_in(attacker, "a@example.org", "another guess entirely").status_code == 429


def test_guesses_spread_over_many_addresses_slow_the_account_down_without_closing_it(app):
    from datetime import timedelta

    from portal.models import LoginAttempt

    _make_user(app, "a@example.org", ADMIN_PASSWORD, "admin")
    for i in range(10):
        assert sign_in(from_address(app, f"203.0.113.{i}"), "a@example.org", "not the password at all").status_code == 400
    # from the tenth failure on the account, each attempt waits 1, 2, 4… seconds (at most a minute) after the last
    waiting = sign_in(from_address(app, "198.51.100.2"), "a@example.org", ADMIN_PASSWORD)
    assert waiting.status_code == 429 and "Réessayez dans 1 seconde" in waiting.get_data(as_text=True)
    assert waiting.headers["Retry-After"] == "1"
    with app.app_context():
        for _ in range(20):  # twenty more failures elsewhere: the delay is capped
            db.session.add(LoginAttempt(key="account:a@example.org"))
        db.session.commit()
    capped = sign_in(from_address(app, "198.51.100.2"), "a@example.org", ADMIN_PASSWORD)
    assert capped.status_code == 429 and int(capped.headers["Retry-After"]) == 60
    with app.app_context():  # a minute later the right password gets through
        for attempt in db.session.scalars(select(LoginAttempt)):
            attempt.at -= timedelta(seconds=61)
        db.session.commit()
    assert sign_in(from_address(app, "198.51.100.2"), "a@example.org", ADMIN_PASSWORD).status_code == 302


def test_sign_in_limit_per_address(app):
    client = app.test_client()
    for i in range(20):
        sign_in(client, f"user{i}@example.org", "not the password at all")
    _make_user(app, "a@example.org", ADMIN_PASSWORD, "admin")
    assert sign_in(client, "a@example.org", ADMIN_PASSWORD).status_code == 429


def test_the_current_password_check_is_throttled_like_a_sign_in(trainer_client):
    for _ in range(5):
        page = trainer_client.post("/account/password", data={"csrf_token": csrf_token(trainer_client, "/account/password"), "current": "a wrong guess", "password": "purple elephant dances slowly", "confirm": "purple elephant dances slowly"})
        assert "Mot de passe actuel incorrect" in page.get_data(as_text=True)
    page = trainer_client.post("/account/password", data={"csrf_token": csrf_token(trainer_client, "/account/password"), "current": "violet mountain quietly sings", "password": "purple elephant dances slowly", "confirm": "purple elephant dances slowly"})
    assert page.status_code == 400 and "Réessayez dans 15 minutes" in page.get_data(as_text=True)


def test_behind_a_trusted_proxy_the_visitors_address_is_counted_and_audited(tmp_path):
    from portal.models import AuditEvent
    from tests.conftest import _make_app, close_app

    app = _make_app(tmp_path, TRUSTED_PROXIES=1)
    with app.app_context():
        from portal.cli import init_schema

        init_schema()
    _make_user(app, "a@example.org", ADMIN_PASSWORD, "admin")
    proxy = from_address(app, "127.0.0.1")
    for _ in range(5):
        token = csrf_token(proxy, "/login")
        proxy.post("/login", data={"email": "a@example.org", "password": "wrong guess", "csrf_token": token}, headers={"X-Forwarded-For": "203.0.113.9"})
    token = csrf_token(proxy, "/login")
    ok = proxy.post("/login", data={"email": "a@example.org", "password": ADMIN_PASSWORD, "csrf_token": token}, headers={"X-Forwarded-For": "198.51.100.2"})
    assert ok.status_code == 302  # another visitor behind the same proxy is not blocked
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.ip).where(AuditEvent.action == "account.sign_in")) == "198.51.100.2"
    close_app(app)


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


def test_the_roles_offered_are_the_roles_the_accounts_accept(admin_client, app, runner):
    import re

    from portal.models import ROLES
    from portal.services.accounts import AccountError, create_user

    page = admin_client.get("/admin/users").get_data(as_text=True)
    offered = re.findall(r'<option[^>]*value="([a-z]+)"', page[page.index('name="role"'):page.index("</select>", page.index('name="role"'))])
    assert tuple(offered) == ROLES
    with app.test_request_context("/"), pytest.raises(AccountError, match="Rôle inconnu : choisissez parmi trainer, admin."):
        create_user("x@example.org", "violet mountain quietly sings", "owner")
    result = runner.invoke(args=["create-user", "y@example.org", "--role", "owner"], input="violet mountain quietly sings\nviolet mountain quietly sings\n")
    assert result.exit_code != 0 and "trainer" in result.output and "admin" in result.output


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


LONG_PASSPHRASE = "le vent du matin souffle sur les collines et les rivieres chantent doucement au loin sous la pluie"


def test_long_passphrases_are_accepted_up_to_256_characters_and_longer_are_refused_in_words(admin_client, app, trainer_client):
    assert 90 < len(LONG_PASSPHRASE) < 256
    check_password_policy(LONG_PASSPHRASE)
    check_password_policy("x" * 60 + LONG_PASSPHRASE)  # strength measured on the first 72 characters, no error beyond
    with pytest.raises(PasswordError, match="256"):
        check_password_policy(LONG_PASSPHRASE * 3)
    token = csrf_token(admin_client, "/admin/users")
    created = admin_client.post("/admin/users", data={"csrf_token": token, "email": "long@example.org", "role": "trainer", "password": LONG_PASSPHRASE, "confirm": LONG_PASSPHRASE})
    assert created.status_code == 302
    assert sign_in(app.test_client(), "long@example.org", LONG_PASSPHRASE).status_code == 302
    for length in (73, 120, 256, 257, 400):
        text = (LONG_PASSPHRASE * 5)[:length]
        page = trainer_client.post("/account/password", data={"csrf_token": csrf_token(trainer_client, "/account/password"), "current": "violet mountain quietly sings", "password": text, "confirm": text})
        assert page.status_code in (302, 400), length
        if length > 256:
            assert "256" in page.get_data(as_text=True)
        else:
            assert page.status_code == 302, length
            trainer_client = app.test_client()
            assert sign_in(trainer_client, "trainer@example.org", text).status_code == 302
            # back to the fixture's password for the next round
            from portal.services.accounts import set_password

            with app.app_context():
                user = db.session.scalar(select(User).filter_by(email="trainer@example.org"))
                set_password(user, "violet mountain quietly sings")
                db.session.commit()
            trainer_client = app.test_client()
            sign_in(trainer_client, "trainer@example.org", "violet mountain quietly sings")
