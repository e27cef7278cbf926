"""Administration: speaker cards and themes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.extensions import db
from portal.forms import (
    SpeakerForm,
    ThemeForm,
    add_error,
)
from portal.models import Speaker, Theme
from portal.services import audit, indexing
from portal.views.admin import bp


@bp.get("/speakers")
def speakers():
    return render_template("admin/speakers.html", speakers=list(db.session.scalars(select(Speaker).order_by(Speaker.name))))


@bp.route("/speakers/new", methods=["GET", "POST"])
@bp.route("/speakers/<int:speaker_id>", methods=["GET", "POST"])
def speaker_edit(speaker_id: int | None = None):
    speaker = db.session.get(Speaker, speaker_id) if speaker_id else None
    if speaker_id and speaker is None:
        abort(404)
    form = SpeakerForm(obj=speaker)
    if form.validate_on_submit():
        clash = db.session.scalar(select(Speaker).filter_by(name=(form.name.data or "").strip()))
        if clash is not None and clash is not speaker:
            add_error(form.name, _("Une fiche porte déjà ce nom."))
        else:
            speaker = speaker or Speaker()
            speaker.name, speaker.affiliation, speaker.bio = (form.name.data or "").strip(), form.affiliation.data or "", form.bio.data or ""
            db.session.add(speaker)
            db.session.flush()
            audit.record("speaker.save", "speaker", speaker.id, speaker.name)
            for link in speaker.appearances:
                indexing.queue(webinar_id=link.webinar_id)
            db.session.commit()
            for link in speaker.appearances:
                indexing.webinar_changed(link.webinar)
            flash(_("Fiche de %(name)s enregistrée.", name=speaker.name), "success")
            return redirect(url_for("admin.speakers"))
    return render_template("admin/simple_form.html", form=form, title=_("Intervenant·e"), back=url_for("admin.speakers")), 400 if form.errors else 200


@bp.get("/themes")
def themes():
    return render_template("admin/themes.html", themes=list(db.session.scalars(select(Theme).order_by(Theme.position))))


@bp.route("/themes/new", methods=["GET", "POST"])
@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
def theme_edit(theme_id: int | None = None):
    theme = db.session.get(Theme, theme_id) if theme_id else None
    if theme_id and theme is None:
        abort(404)
    form = ThemeForm(obj=theme)
    if form.validate_on_submit():
        if theme is None:
            slug = (form.slug.data or "").strip()
            if not slug:
                add_error(form.slug, _("Un nouveau thème a besoin d'un identifiant."))
            elif db.session.scalar(select(Theme).filter_by(slug=slug)):
                add_error(form.slug, _("Ce thème existe déjà."))
            else:
                position = (db.session.scalar(select(func.max(Theme.position))) or 0) + 1
                theme = Theme(slug=slug, position=position)
                db.session.add(theme)
        if theme is not None and not form.slug.errors:
            theme.label, theme.description = (form.label.data or "").strip(), form.description.data or ""
            db.session.flush()
            audit.record("theme.save", "theme", theme.id, theme.label)
            db.session.commit()
            flash(_("Thème enregistré."), "success")
            return redirect(url_for("admin.themes"))
    title = _("Thème « %(slug)s »", slug=theme.slug) if theme else _("Nouveau thème")
    if theme is not None:
        del form.slug  # a slug is fixed once created: links and filters use it
    return render_template("admin/simple_form.html", form=form, title=title, back=url_for("admin.themes")), 400 if form.errors else 200
