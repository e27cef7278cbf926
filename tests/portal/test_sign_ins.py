"""Revocable sign-ins: copied session and remember cookies stop working after logout, a password
change, an admin's reset, disabling the account, or "sign out everywhere"."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import SignIn, User
from tests.conftest import ADMIN_PASSWORD, TRAINER_PASSWORD, _make_user, csrf_token, sign_in

EMAIL = "trainer@example.org"


def signed_in(app, remember: bool = True):
    client = app.test_client()
    assert sign_in(client, EMAIL, TRAINER_PASSWORD, **({"remember": "y"} if remember else {})).status_code == 302
    return client


def copy_of(app, client, name: str):
    """Another browser holding only one of ``client``'s cookies (as a thief would)."""
    other = app.test_client()
    other.set_cookie(name, client.get_cookie(name).value)
    return other


def is_signed_in(client) -> bool:
    return client.get("/account/password").status_code == 200


@pytest.fixture
def trainer(app):
    return _make_user(app, EMAIL, TRAINER_PASSWORD, "trainer")


def test_copied_session_and_remember_cookies_work_until_logout_then_never(app, trainer):
    client = signed_in(app)
    session_copy, remember_copy = copy_of(app, client, "session"), copy_of(app, client, "remember_token")
    assert is_signed_in(session_copy) and is_signed_in(remember_copy)
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/account/password")}).status_code == 302
    assert not is_signed_in(session_copy) and not is_signed_in(remember_copy)
    assert not is_signed_in(client)


def test_each_sign_in_has_its_own_token_stored_only_as_a_hash(app, trainer):
    first, second = signed_in(app), signed_in(app)
    one, two = first.get_cookie("remember_token").value, second.get_cookie("remember_token").value
    assert one != two
    with app.app_context():
        hashes = set(db.session.scalars(select(SignIn.token_hash)))
    token = one.split("|")[0].split(":", 1)[1]
    assert len(hashes) == 2 and token not in hashes and all(token not in h for h in hashes)
    # signing one device out leaves the other signed in
    first.post("/logout", data={"csrf_token": csrf_token(first, "/account/password")})
    assert is_signed_in(second) and not is_signed_in(first)


def test_a_password_change_signs_out_every_other_device_but_not_this_one(app, trainer):
    laptop, phone = signed_in(app), signed_in(app)
    stolen = copy_of(app, phone, "remember_token")
    token = csrf_token(laptop, "/account/password")
    new = "purple elephant dances slowly"
    response = laptop.post("/account/password", data={"csrf_token": token, "current": TRAINER_PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert is_signed_in(laptop)
    assert not is_signed_in(phone) and not is_signed_in(stolen)


def test_an_admins_reset_link_and_disabling_sign_the_account_out_everywhere(app, trainer):
    _make_user(app, "admin@example.org", ADMIN_PASSWORD, "admin")
    admin = app.test_client()
    sign_in(admin, "admin@example.org", ADMIN_PASSWORD)
    device = signed_in(app)
    admin.post(f"/admin/users/{trainer}/reset", data={"csrf_token": csrf_token(admin, "/admin/users")})
    assert not is_signed_in(device)
    device = signed_in(app)
    admin.post(f"/admin/users/{trainer}/active", data={"csrf_token": csrf_token(admin, "/admin/users"), "active": "0"})
    assert not is_signed_in(device)


def test_sign_out_everywhere_from_the_account_page(app, trainer):
    here, there = signed_in(app), signed_in(app)
    page = here.get("/account/password").get_data(as_text=True)
    assert "Se déconnecter de tous les appareils" in page
    response = here.post("/account/sign-out-everywhere", data={"csrf_token": csrf_token(here, "/account/password")})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not is_signed_in(here) and not is_signed_in(there)


def test_remember_me_lasts_thirty_days_and_a_plain_sign_in_one_day(app, trainer):
    client = signed_in(app)
    expires = client.get_cookie("remember_token").expires
    assert timedelta(days=29) < expires - datetime.now(timezone.utc) <= timedelta(days=30)
    signed_in(app, remember=False)
    with app.app_context():
        rows = sorted(db.session.scalars(select(SignIn.expires_at)))
    lasting = [row - datetime.now(timezone.utc) for row in rows]
    assert timedelta(hours=23) < lasting[0] <= timedelta(hours=24) and lasting[1] > timedelta(days=29)


def test_an_expired_sign_in_no_longer_signs_in(app, trainer):
    client = signed_in(app)
    with app.app_context():
        for row in db.session.scalars(select(SignIn)):
            row.expires_at = datetime.now(timezone.utc) - timedelta(seconds=1)
        db.session.commit()
    assert not is_signed_in(client) and not is_signed_in(copy_of(app, client, "remember_token"))


@pytest.mark.parametrize("value", ["1", "1:", ":abc", "x:abc", "99999999999999999999999:abc", "1:" + "a" * 500, "²:abc"])
def test_forged_remember_values_sign_nobody_in(app, trainer, value):
    from portal.services.accounts import user_for_sign_in

    with app.app_context():
        assert user_for_sign_in(value) is None
        assert db.session.get(User, trainer) is not None
