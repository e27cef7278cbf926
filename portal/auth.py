"""Who may see what: the user loader and the role guard."""

from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import Blueprint, Flask, abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.extensions import login_manager
from portal.models import User
from portal.services import accounts


def role_required(*roles: str) -> Callable:
    """Let signed-in users with one of ``roles`` through; others go to sign-in (HTML) or get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
                    abort(401)
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def admins_only(bp: Blueprint) -> Blueprint:
    """Every route of ``bp`` for signed-in admins only, checked once before any of its views runs."""

    @bp.before_request
    @role_required("admin")
    def _admins_only():
        return None

    return bp


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    login_manager.localize_callback = str  # flashed as text in the visitor's language (a session holds no lazy string)
    login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(value: str) -> User | None:
    # "<id>:<sign-in token>" from the session or the remember cookie: only a sign-in that still holds.
    return accounts.user_for_sign_in(value)
