"""Error pages (in the visitor's language) that leak nothing of the internals; JSON for the API."""

from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from portal.extensions import db

MESSAGES = {
    400: _l("La requête n'a pas pu être comprise."),
    401: _l("Connectez-vous pour continuer."),
    403: _l("Vous n'avez pas accès à cette page."),
    404: _l("Cette page n'existe pas ou n'est plus publiée."),
    405: _l("Cette action n'est pas permise ici."),
    413: _l("Le fichier envoyé est trop volumineux."),
    429: _l("Trop de tentatives : réessayez dans quelques minutes."),
    500: _l("Une erreur inattendue s'est produite. Rien n'a été perdu ; réessayez dans un instant."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def json_error(code: int, message: str, field: str | None = None, **details: object):
    """The one JSON error body: ``{"error": {"status", "message"[, "field"][, details…]}}``, with its status
    (details such as the editor's ``cue``: where the error is)."""
    error: dict[str, object] = {"status": code, "message": str(message)}
    if field:
        error["field"] = field
    error.update({key: value for key, value in details.items() if value is not None})
    return jsonify({"error": error}), code


def render_error(code: int, message: str | None = None):
    message = message or MESSAGES.get(code, MESSAGES[500])
    if not isinstance(message, str):  # a lazy message: text in the visitor's language (for JSON, and escaped in the page)
        message = str(message)
    if _wants_json():
        return json_error(code, message)
    return render_template("errors/error.html", code=code, message=message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):
        return render_error(400, _("Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et réessayez."))

    @app.errorhandler(SecurityError)
    def _untrusted_host(err: SecurityError):
        # A Host header not in TRUSTED_HOSTS: no page can be built (every link would use that host).
        return Response(_("Requête refusée : ce nom d'hôte n'est pas celui du portail."), 400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        code = err.code or 500
        # abort(404, "message") carries a message meant for the visitor; default texts are English.
        custom = err.description if err.description and err.description != type(err).description else None
        body, status = render_error(code, custom)
        response = make_response(body, status)
        # What the exception says the client needs: Allow on a 405, WWW-Authenticate…
        for name, value in err.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)
