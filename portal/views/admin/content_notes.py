"""Administration of content notes: the passages of a recording viewers are warned of, and may skip."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from media_meta.errors import TimecodeError
from media_meta.timecodes import parse_timecode
from portal.auth import admins_only
from portal.extensions import db
from portal.forms import ActionForm, ContentNoteForm, add_error
from portal.models import ContentNote
from portal.services import content_notes as service
from portal.views.admin import webinar_or_404

bp = Blueprint("content_notes", __name__, url_prefix="/admin/webinars/<int:webinar_id>/notes")
admins_only(bp)



@bp.route("/", methods=["GET", "POST"])
def index(webinar_id: int):
    webinar = webinar_or_404(webinar_id)
    form = ContentNoteForm()
    if form.validate_on_submit():
        times = {}
        for name in ("start", "end"):
            try:
                times[name] = parse_timecode(form[name].data)
            except TimecodeError as err:
                add_error(form[name], str(err))
        if len(times) == 2:
            try:
                service.add_note(webinar, times["start"], times["end"], form.label.data or "")
            except service.ContentNoteError as err:
                add_error(form[err.field], str(err))
            else:
                flash(_("Avertissement ajouté : il s'affiche avant le passage et quand la lecture l'atteint."), "success")
                return redirect(url_for("content_notes.index", webinar_id=webinar.id))
    return render_template(
        "admin/content_notes.html", webinar=webinar, form=form, action=ActionForm(), labels=service.SUGGESTED_LABELS
    ), 400 if form.errors else 200


@bp.post("/<int:note_id>/delete")
def delete(webinar_id: int, note_id: int):
    note = db.session.get(ContentNote, note_id)
    if note is None or note.webinar_id != webinar_id:
        abort(404, _("Cet avertissement n'existe pas (ou plus)."))
    if ActionForm().validate_on_submit():
        service.delete_note(note)
        flash(_("Avertissement supprimé."), "success")
    else:
        flash(_("Le formulaire a expiré : rechargez la page et recommencez."), "error")
    return redirect(url_for("content_notes.index", webinar_id=webinar_id))
