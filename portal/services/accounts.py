"""Accounts: password rules, hashing, sign-in throttling, one-time reset links."""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, cast

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import CursorResult, delete, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models import ROLES, LoginAttempt, PasswordReset, SignIn, User, utcnow
from portal.services import audit

log = logging.getLogger(__name__)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
ZXCVBN_MAX = 72
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ADDRESS = 20
RESET_LINK_LIFETIME = timedelta(hours=48)
# Computing a hash for unknown accounts too keeps sign-in time the same whether or not the account exists.
_DUMMY_HASH = generate_password_hash("not-a-real-password-just-for-timing", method="scrypt")


class PasswordError(ValueError):
    """A password that may not be used; the message says why, in the person's language."""


class AccountError(ValueError):
    """An account operation refused; the message is for the admin."""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of the published lists zxcvbn ships, plus French favourites."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    french = {"motdepasse", "azerty", "azertyuiop", "soleil", "doudou", "chouchou", "bonjour", "marseille", "loulou", "jetaime"}
    return frozenset(FREQUENCY_LISTS["passwords"]) | french


def check_password_policy(password: str, email: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordError(_("Le mot de passe doit compter au moins %(count)s caractères.", count=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordError(_("Le mot de passe doit compter au plus %(count)s caractères.", count=MAX_PASSWORD_LENGTH))
    lowered = password.lower()
    if lowered in common_passwords() or lowered.rstrip("0123456789!.?") in common_passwords():
        raise PasswordError(_("Ce mot de passe fait partie des plus courants : choisissez-en un autre."))
    local = email.split("@")[0].lower() if email else ""
    if len(local) >= 4 and local in lowered:
        raise PasswordError(_("Le mot de passe ne doit pas contenir votre adresse e-mail."))
    from zxcvbn import zxcvbn

    # zxcvbn refuses more than 72 characters; strength is measured on the first 72 (a longer passphrase only adds).
    if zxcvbn(password[:ZXCVBN_MAX], user_inputs=[email] if email else [])["score"] < 3:
        raise PasswordError(
            _("Ce mot de passe est trop facile à deviner : allongez-le, par exemple avec quatre mots sans rapport entre eux.")
        )


def hash_password(password: str, email: str = "") -> str:
    check_password_policy(password, email)
    return generate_password_hash(password, method="scrypt")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def create_user(email: str, password: str, role: str) -> User:
    """Create an account, audited, in its own transaction (the admin page and the command line alike)."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or " " in email:
        raise AccountError(_("Adresse e-mail invalide."))
    if role not in ROLES:
        raise AccountError(_("Rôle inconnu : choisissez parmi %(roles)s.", roles=", ".join(ROLES)))
    if db.session.scalar(select(User).filter_by(email=email)):
        raise AccountError(_("Un compte existe déjà pour %(email)s.", email=email))
    user = User(email=email, password_hash=hash_password(password, email), role=role)
    db.session.add(user)
    db.session.flush()
    audit.record("account.create", "account", user.id, user.email, f"rôle {role}")
    db.session.commit()
    return user


def set_password(user: User, password: str) -> None:
    """A new password; every device signed in with the old one is signed out."""
    user.password_hash = hash_password(password, user.email)
    end_all_sign_ins(user)


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        end_all_sign_ins(user)


# -- sign-ins: one row per device, so that each can be revoked -------------------------------------


def start_sign_in(user: User, lasting: timedelta) -> str:
    """Record a new sign-in; returns its token, which only the device's cookies will hold."""
    token = secrets.token_urlsafe(32)
    db.session.add(SignIn(user_id=user.id, token_hash=_token_hash(token), expires_at=utcnow() + lasting))
    db.session.execute(delete(SignIn).where(SignIn.expires_at < utcnow()))
    user.sign_in_token = token
    return token


def user_for_sign_in(value: str) -> User | None:
    """The account of a session's or remember cookie's ``<id>:<token>``, if that sign-in still holds."""
    user_id, _sep, token = (value or "").partition(":")
    if not user_id.isascii() or not user_id.isdigit() or len(user_id) > 18 or not token or len(token) > 100:
        return None
    found = db.session.scalar(
        select(SignIn).where(SignIn.token_hash == _token_hash(token), SignIn.user_id == int(user_id), SignIn.expires_at > utcnow())
    )
    if found is None:
        return None
    user = db.session.get(User, found.user_id)
    if user is not None:
        user.sign_in_token = token
    return user


def end_sign_in(user: User) -> None:
    """Sign out this device: its cookies no longer sign anyone in, wherever they were copied."""
    if user.sign_in_token:
        db.session.execute(delete(SignIn).where(SignIn.token_hash == _token_hash(user.sign_in_token)))


def end_all_sign_ins(user: User) -> int:
    """Sign the account out of every device; returns how many sign-ins there were."""
    # A DELETE's result is a CursorResult, which Session.execute is not typed to return.
    result = cast(CursorResult[Any], db.session.execute(delete(SignIn).where(SignIn.user_id == user.id)))
    return result.rowcount or 0


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(select(User).filter_by(email=normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


# -- throttling -------------------------------------------------------------------------------
# Kept in the database rather than in Flask-Limiter's per-process memory, so the limit holds
# across every gunicorn worker and restart without a Redis server. Nothing here can lock a person
# out: a guesser is stopped per (account, address) and per address; the account as a whole is
# only slowed down (so that guesses spread over many addresses stay few), never closed.

MAX_FAILURES_PER_PAIR = 5  # one address trying one account
ACCOUNT_SLOWDOWN_AFTER = 10  # failures on the account from anywhere, before each attempt must wait
MAX_ACCOUNT_DELAY_S = 60


def _pair_key(email: str, address: str) -> str:
    return f"pair:{normalise_email(email)}|{address}"


def _account_key(email: str) -> str:
    return f"account:{normalise_email(email)}"


def _recent(key: str, since: datetime, limit: int) -> list[datetime]:
    return list(
        db.session.scalars(
            select(LoginAttempt.at).where(LoginAttempt.key == key, LoginAttempt.at > since).order_by(LoginAttempt.at.desc()).limit(limit)
        )
    )


def wait_before_attempt(email: str, address: str) -> int:
    """Seconds this address must wait before trying this account's password again, or 0."""
    now = utcnow()
    since = now - THROTTLE_WINDOW
    wait = 0.0
    for key, limit in ((_pair_key(email, address), MAX_FAILURES_PER_PAIR), (f"ip:{address}", MAX_FAILURES_PER_ADDRESS)):
        rows = _recent(key, since, limit)
        if len(rows) >= limit:
            wait = max(wait, (min(rows) + THROTTLE_WINDOW - now).total_seconds())
    failures = _recent(_account_key(email), since, 64)
    if len(failures) >= ACCOUNT_SLOWDOWN_AFTER:
        delay = min(MAX_ACCOUNT_DELAY_S, 2 ** (len(failures) - ACCOUNT_SLOWDOWN_AFTER))
        wait = max(wait, (failures[0] + timedelta(seconds=delay) - now).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


def wait_message(seconds: int) -> str:
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return ngettext(
            "Trop de tentatives de connexion. Réessayez dans %(num)s minute.",
            "Trop de tentatives de connexion. Réessayez dans %(num)s minutes.",
            minutes,
        )
    return ngettext(
        "Trop de tentatives de connexion. Réessayez dans %(num)s seconde.",
        "Trop de tentatives de connexion. Réessayez dans %(num)s secondes.",
        seconds,
    )


def record_failure(email: str, address: str) -> None:
    try:
        for key in (_pair_key(email, address), f"ip:{address}", _account_key(email)):
            db.session.add(LoginAttempt(key=key))
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - 4 * THROTTLE_WINDOW))
        db.session.commit()
    except SQLAlchemyError as err:  # a full disk: the person gets their answer, the count is lost
        db.session.rollback()
        log.warning("Sign-in failure not counted for %s: %s", address, err.__class__.__name__)


def clear_failures(email: str, address: str | None = None) -> None:
    """After the right password: this account's counters start again (the address's own count stays)."""
    keys = [_account_key(email)] + ([_pair_key(email, address)] if address else [])
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(keys)))


def check_password_attempt(user: User, password: str, address: str) -> tuple[bool, int]:
    """The current password typed on the account page, counted like a sign-in: (right?, seconds to wait)."""
    wait = wait_before_attempt(user.email, address)
    if wait:
        return False, wait
    if authenticate(user.email, password) is None:
        record_failure(user.email, address)
        return False, 0
    clear_failures(user.email, address)
    return True, 0


# -- reset links --------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_reset(user: User, by: User | None) -> str:
    """Create a one-time reset token (returned once, stored only as a hash); earlier ones stop working.

    The account is signed out everywhere: a reset is asked for when a password is lost or leaked.
    """
    end_all_sign_ins(user)
    for old in db.session.scalars(select(PasswordReset).filter_by(user_id=user.id, used_at=None)):
        old.used_at = utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(user=user, token_hash=_token_hash(token), expires_at=utcnow() + RESET_LINK_LIFETIME, created_by_id=by.id if by else None)
    )
    return token


def find_reset(token: str) -> PasswordReset | None:
    if not token or len(token) > 100:
        return None
    reset = db.session.scalar(select(PasswordReset).filter_by(token_hash=_token_hash(token)))
    if reset is None or reset.used_at is not None or reset.expires_at < datetime.now(timezone.utc):
        return None
    return reset


def use_reset(reset: PasswordReset, password: str) -> User:
    set_password(reset.user, password)
    reset.used_at = utcnow()
    return reset.user
