"""The resource library: list, filter and search resources; a page per resource; its file."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, send_file
from flask_babel import gettext as _
from sqlalchemy import select

from media_meta.stored import download_name
from portal.extensions import db
from portal.models import RESOURCE_KINDS, Resource, Theme
from portal.services import resources as service

bp = Blueprint("resources", __name__, url_prefix="/resources")


def _resource_or_404(resource_id: int) -> Resource:
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        abort(404, _("Cette ressource n'existe pas ou a été retirée."))
    return resource


@bp.get("/")
def library():
    themes = list(db.session.scalars(select(Theme).order_by(Theme.position)))
    theme = request.args.get("theme") or None
    kind = request.args.get("kind") or None
    text = (request.args.get("q") or "").strip()[:500]
    notices = []
    if theme and theme not in {t.slug for t in themes}:
        notices.append(_("Thème inconnu « %(theme)s » : filtre ignoré.", theme=theme))
        theme = None
    if kind and kind not in RESOURCE_KINDS:
        notices.append(_("Type inconnu « %(kind)s » : filtre ignoré.", kind=kind))
        kind = None
    query = select(Resource).order_by(Resource.title)
    if theme:
        query = query.where(Resource.themes.any(Theme.slug == theme))
    if kind:
        query = query.where(Resource.kind == kind)
    found = list(db.session.scalars(query))
    if text:
        ranked = service.search_ids(text)
        if ranked is None:
            notices.append(_("La recherche est momentanément indisponible : tous les résultats des filtres sont affichés."))
        else:
            order = {rid: i for i, rid in enumerate(ranked)}
            found = sorted((r for r in found if r.id in order), key=lambda r: order[r.id])
    return render_template(
        "resources/library.html", resources=found, themes=themes, kinds=RESOURCE_KINDS, theme=theme, kind=kind, q=text, notices=notices
    )


@bp.get("/<int:resource_id>")
def resource(resource_id: int):
    resource = _resource_or_404(resource_id)
    return render_template("resources/resource.html", resource=resource, links=service.visible_links(resource))


@bp.get("/<int:resource_id>/file")
def resource_file(resource_id: int):
    resource = _resource_or_404(resource_id)
    path = service.file_path(resource)
    if path is None:
        abort(404, _("Cette ressource n'a pas de fichier."))
    # The stored name comes from the content hash; the download name is cleaned for the header.
    safe = download_name(resource.original_filename, "ressource")
    response: Response = send_file(path, mimetype=resource.file_type or "application/octet-stream", as_attachment=True, download_name=safe, conditional=True)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
