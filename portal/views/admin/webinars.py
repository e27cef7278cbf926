"""Administration: the dashboard, and each webinar's card (create, edit, publish, delete)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.forms import (
    ActionForm,
    WebinarForm,
    choices,
)
from portal.models import Theme, Webinar
from portal.services.webinars import WebinarData, WebinarFormError, delete_webinar, form_values, save_webinar, set_published
from portal.links import same_site
from portal.views.admin import bp, webinar_or_404


@bp.get("/")
def dashboard():
    webinars = list(db.session.scalars(select(Webinar).order_by(Webinar.starts_at.desc())))
    return render_template("admin/dashboard.html", webinars=webinars, action=ActionForm())


# -- webinars ------------------------------------------------------------------------------------


def _theme_choices(form: WebinarForm) -> None:
    form.themes.choices = choices(*((t.slug, t.label) for t in db.session.scalars(select(Theme).order_by(Theme.position))))


def _save(form: WebinarForm, webinar: Webinar | None):
    data = WebinarData(
        slug=form.slug.data or "",
        title=form.title.data or "",
        question=form.question.data or "",
        description=form.description.data or "",
        starts_at=form.starts_at.data or "",
        timezone=form.timezone.data or "",
        duration=form.duration.data or "",
        language=form.language.data or "",
        themes=form.themes.data or [],
        speakers=form.speakers.data or "",
        speakers_note=form.speakers_note.data or "",
        media_kind=form.media_kind.data or "",
        media_src=form.media_src.data or "",
        chapters=form.chapters.data or "",
        published=bool(form.published.data),
        is_demo=bool(form.is_demo.data),
    )
    try:
        return save_webinar(webinar, data)
    except WebinarFormError as err:
        for name, messages in err.errors.items():
            form[name].errors = list(form[name].errors) + messages
        return None


@bp.route("/webinars/new", methods=["GET", "POST"])
def webinar_new():
    form = WebinarForm()
    _theme_choices(form)
    if form.validate_on_submit():
        webinar = _save(form, None)
        if webinar is not None:
            flash(_("Webinaire « %(title)s » créé. Ajoutez maintenant sa transcription.", title=webinar.title), "success")
            return redirect(url_for("admin.transcripts", webinar_id=webinar.id))
    return render_template("admin/webinar_form.html", form=form, webinar=None), 400 if form.errors else 200


@bp.route("/webinars/<int:webinar_id>", methods=["GET", "POST"])
def webinar_edit(webinar_id: int):
    webinar = webinar_or_404(webinar_id)
    form = WebinarForm(data=form_values(webinar) if request.method == "GET" else None)
    _theme_choices(form)
    if form.validate_on_submit():
        if _save(form, webinar) is not None:
            flash(_("Modifications enregistrées."), "success")
            return redirect(url_for("admin.webinar_edit", webinar_id=webinar.id))
    return render_template("admin/webinar_form.html", form=form, webinar=webinar, action=ActionForm()), 400 if form.errors else 200


@bp.post("/webinars/<int:webinar_id>/publish")
def webinar_publish(webinar_id: int):
    webinar = webinar_or_404(webinar_id)
    if ActionForm().validate_on_submit():
        publish = request.form.get("published") == "1"
        set_published(webinar, publish)
        flash(_("« %(title)s » est publié.", title=webinar.title) if publish else _("« %(title)s » est retiré du site.", title=webinar.title), "success")
    return redirect(request.referrer if same_site(request.referrer) else url_for("admin.dashboard"))


@bp.post("/webinars/<int:webinar_id>/delete")
def webinar_delete(webinar_id: int):
    webinar = webinar_or_404(webinar_id)
    if ActionForm().validate_on_submit():
        if request.form.get("confirm_slug") != webinar.slug:
            flash(_("Pour supprimer, recopiez exactement le slug du webinaire."), "error")
            return redirect(url_for("admin.webinar_edit", webinar_id=webinar.id))
        title = webinar.title
        delete_webinar(webinar)
        flash(_("« %(title)s » a été supprimé.", title=title), "success")
    return redirect(url_for("admin.dashboard"))
