"""Administration: the resource library (documents, links to moments, files)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from media_meta.errors import MediaMetaError
from media_meta.stored import file_size
from media_meta.timecodes import parse_timecode
from portal.extensions import db
from portal.forms import (
    ActionForm,
    ResourceForm,
    ResourceLinkForm,
    choices,
)
from portal.models import RESOURCE_KINDS, Resource, ResourceLink, Theme, Webinar
from portal.params import record_id
from portal.services import resources as resource_service
from portal.views.admin import bp


@bp.get("/resources")
def resources():
    items = list(db.session.scalars(select(Resource).order_by(Resource.title)))
    return render_template("admin/resources.html", resources=items)


def _resource_form(resource: Resource | None) -> ResourceForm:
    form = ResourceForm(obj=resource if request.method == "GET" else None)
    form.kind.choices = choices(*RESOURCE_KINDS.items())
    limit = file_size(current_app.config["MAX_RESOURCE_BYTES"])
    form.file.description = _("PDF, ODP, PPTX, DOCX, PNG ou JPEG ; %(limit)s au plus. Le type est vérifié d'après le contenu.", limit=limit)
    form.themes.choices = choices(*((t.slug, t.label) for t in db.session.scalars(select(Theme).order_by(Theme.position))))
    if request.method == "GET" and resource is not None:
        form.themes.data = [t.slug for t in resource.themes]
    return form


def _link_form() -> ResourceLinkForm:
    form = ResourceLinkForm()
    form.webinar.choices = choices(*((str(w.id), w.title) for w in db.session.scalars(select(Webinar).order_by(Webinar.starts_at))))
    return form


@bp.route("/resources/new", methods=["GET", "POST"])
@bp.route("/resources/<int:resource_id>", methods=["GET", "POST"])
def resource_edit(resource_id: int | None = None):
    resource = db.session.get(Resource, resource_id) if resource_id else None
    if resource_id and resource is None:
        abort(404)
    form = _resource_form(resource)
    if form.validate_on_submit():
        upload = None
        if form.file.data and form.file.data.filename:
            upload = (form.file.data.read(), form.file.data.filename)
        data = resource_service.ResourceData(
            title=form.title.data or "", kind=form.kind.data, description=form.description.data or "",
            language=form.language.data, url=form.url.data or "", themes=tuple(form.themes.data or ()),
        )  # fmt: skip
        try:
            saved = resource_service.save_resource(resource, data, upload)
        except resource_service.ResourceError as err:
            form[err.field].errors = list(form[err.field].errors) + [err.message]
        else:
            flash(_("Ressource enregistrée."), "success")
            return redirect(url_for("admin.resource_edit", resource_id=saved.id))
    return render_template(
        "admin/resource_form.html", form=form, resource=resource, link_form=_link_form(), action=ActionForm()
    ), 400 if form.errors else 200


@bp.post("/resources/<int:resource_id>/links")
def resource_link(resource_id: int):
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        abort(404)
    form = _link_form()
    if form.validate_on_submit():
        webinar = db.session.get(Webinar, record_id(form.webinar.data))  # one of the form's choices
        if webinar is None:  # deleted since the choices were read
            abort(404)
        try:
            at = parse_timecode(form.at.data) if form.at.data else None
            resource_service.link_resource(resource, webinar, at, form.note.data or "")
        except (MediaMetaError, resource_service.ResourceError) as err:
            flash(_("Lien non ajouté : %(reason)s", reason=err), "error")
        else:
            flash(_("Ressource liée à « %(title)s ».", title=webinar.title), "success")
    return redirect(url_for("admin.resource_edit", resource_id=resource.id) + "#links")


@bp.post("/resources/links/<int:link_id>/delete")
def resource_unlink(link_id: int):
    link = db.session.get(ResourceLink, link_id)
    if link is None:
        abort(404)
    resource_id = link.resource_id
    if ActionForm().validate_on_submit():
        resource_service.unlink(link)
        flash(_("Lien retiré."), "success")
    return redirect(url_for("admin.resource_edit", resource_id=resource_id) + "#links")


@bp.post("/resources/<int:resource_id>/delete")
def resource_delete(resource_id: int):
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        abort(404)
    if ActionForm().validate_on_submit():
        resource_service.delete_resource(resource)
        flash(_("Ressource supprimée."), "success")
    return redirect(url_for("admin.resources"))


@bp.post("/resources/attach")
def resource_attach():
    """From a watch page: attach a resource at the moment being played."""
    form = ActionForm()
    webinar = db.session.scalar(select(Webinar).filter_by(slug=request.form.get("webinar", "")))
    resource_id = record_id(request.form.get("resource"))
    resource = db.session.get(Resource, resource_id) if resource_id else None
    if not form.validate_on_submit() or webinar is None or resource is None:
        abort(400)
    try:
        at = parse_timecode(request.form.get("at", "")) if request.form.get("at") else None
        resource_service.link_resource(resource, webinar, at, request.form.get("note", ""))
    except (MediaMetaError, resource_service.ResourceError) as err:
        flash(_("Ressource non attachée : %(reason)s", reason=err), "error")
        return redirect(url_for("public.webinar", slug=webinar.slug))
    flash(_("« %(title)s » attachée à ce moment.", title=resource.title), "success")
    return redirect(url_for("public.webinar", slug=webinar.slug, t=request.form.get("at") or None))
