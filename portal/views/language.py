"""The header's language switch: a link per language, remembered in a cookie (no account, no form)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _

from portal.i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES
from portal.links import safe_next

bp = Blueprint("language", __name__)


@bp.get("/langue/<code>")
def choose(code: str):
    # A plain link rather than a form: choosing a language changes nothing but this visitor's own
    # pages, and a form would need a session (a CSRF token) on every public page.
    if code not in LANGUAGES:
        abort(404, _("Cette langue n'est pas proposée."))
    response = redirect(safe_next(request.args.get("next")) or url_for("public.home"))
    response.set_cookie(
        COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response
