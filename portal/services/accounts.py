"""Accounts: password rules, hashing, sign-in throttling, one-time reset links."""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models import LoginAttempt, PasswordReset, User, utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
RESET_LINK_LIFETIME = timedelta(hours=48)
# Computing a hash for unknown accounts too keeps sign-in time the same whether or not the account exists.
_DUMMY_HASH = generate_password_hash("not-a-real-password-just-for-timing", method="scrypt")


class PasswordError(ValueError):
    """A password that may not be used; the message says why, in French."""


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
        raise PasswordError(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordError(f"Le mot de passe doit compter au plus {MAX_PASSWORD_LENGTH} caractères.")
    lowered = password.lower()
    if lowered in common_passwords() or lowered.rstrip("0123456789!.?") in common_passwords():
        raise PasswordError("Ce mot de passe fait partie des plus courants : choisissez-en un autre.")
    local = email.split("@")[0].lower() if email else ""
    if len(local) >= 4 and local in lowered:
        raise PasswordError("Le mot de passe ne doit pas contenir votre adresse e-mail.")
    from zxcvbn import zxcvbn

    if zxcvbn(password[:100], user_inputs=[email] if email else [])["score"] < 3:
        raise PasswordError(
            "Ce mot de passe est trop facile à deviner : allongez-le, par exemple avec quatre mots sans rapport entre eux."
        )


def hash_password(password: str, email: str = "") -> str:
    check_password_policy(password, email)
    return generate_password_hash(password, method="scrypt")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def create_user(email: str, password: str, role: str) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or " " in email:
        raise AccountError("Adresse e-mail invalide.")
    if role not in ("admin", "trainer"):
        raise AccountError("Rôle inconnu : admin ou trainer.")
    if db.session.scalar(select(User).filter_by(email=email)):
        raise AccountError(f"Un compte existe déjà pour {email}.")
    user = User(email=email, password_hash=hash_password(password, email), role=role)
    db.session.add(user)
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password, user.email)


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
# across every gunicorn worker and restart without a Redis server.


def _keys(email: str, address: str) -> list[tuple[str, int]]:
    return [(f"account:{normalise_email(email)}", MAX_FAILURES_PER_ACCOUNT), (f"ip:{address}", MAX_FAILURES_PER_ADDRESS)]


def blocked_for(email: str, address: str) -> int:
    """Minutes to wait before another attempt, or 0."""
    since = utcnow() - THROTTLE_WINDOW
    wait = 0.0
    for key, limit in _keys(email, address):
        rows = db.session.scalars(
            select(LoginAttempt.at).where(LoginAttempt.key == key, LoginAttempt.at > since).order_by(LoginAttempt.at.desc()).limit(limit)
        ).all()
        if len(rows) >= limit:
            oldest = min(rows)
            wait = max(wait, (oldest + THROTTLE_WINDOW - utcnow()).total_seconds())
    return math.ceil(wait / 60) if wait > 0 else 0


def record_failure(email: str, address: str) -> None:
    for key, _ in _keys(email, address):
        db.session.add(LoginAttempt(key=key))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - 4 * THROTTLE_WINDOW))
    db.session.commit()


def clear_failures(email: str) -> None:
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.key == f"account:{normalise_email(email)}"))


def failure_count(key: str) -> int:
    return db.session.scalar(select(func.count()).select_from(LoginAttempt).where(LoginAttempt.key == key)) or 0


# -- reset links --------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_reset(user: User, by: User | None) -> str:
    """Create a one-time reset token (returned once, stored only as a hash); earlier ones stop working."""
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
