"""Accounts: password hashing, the user loader and the role guard."""

from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db, login_manager
from portal.models import User

MIN_PASSWORD_LENGTH = 12


class PasswordError(ValueError):
    """A password that may not be used; the message says why, in French."""


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordError(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")


def hash_password(password: str) -> str:
    check_password_policy(password)
    return generate_password_hash(password, method="scrypt")


def verify_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def role_required(*roles: str) -> Callable:
    """Let signed-in users with one of ``roles`` through; others go to sign-in (HTML) or get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
                    abort(401)
                return redirect(url_for("auth.login", next=request.full_path))
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))
