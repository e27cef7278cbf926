"""Administration: a webinar's transcript (upload, preview, confirmation, versions, one-line corrections)."""

from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_number, gettext as _
from flask_login import current_user
from sqlalchemy import select

from media_meta.errors import TranscriptError
from media_meta.stored import download_name
from portal.extensions import db
from portal.forms import (
    ActionForm,
    ConfirmUploadForm,
    CueEditForm,
    TranscriptUploadForm,
)
from portal.models import Cue, ErrorReport, Transcript
from portal.params import bounded_int
from portal.services import audit, indexing
from portal.services import reports as reports_service
from portal.services.transcripts import (
    VersionConflict,
    activate_version,
    active_cues,
    changes_from_active,
    confirm_upload,
    cues_of,
    edit_cue,
    pending_upload,
    stage_upload,
)
from portal.views.admin import bp, webinar_or_404

PREVIEW_CUES = 40
MAX_SHOWN_CHANGES = 300  # changed lines listed on a page (all are counted)



@bp.route("/webinars/<int:webinar_id>/transcripts", methods=["GET", "POST"])
def transcripts(webinar_id: int):
    webinar = webinar_or_404(webinar_id)
    form = TranscriptUploadForm()
    error = None
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(int(request.max_content_length or 0) or None)
        try:
            token, parsed = stage_upload(webinar, raw, upload.filename or "transcription", current_user)
        except TranscriptError as err:
            error = err
            audit.record("transcript.rejected", "webinar", webinar.id, webinar.title, f"{upload.filename}: {err}")
            db.session.commit()
        else:
            return render_template(
                "admin/transcript_preview.html",
                webinar=webinar,
                parsed=parsed,
                preview=parsed.cues[:PREVIEW_CUES],
                filename=upload.filename,
                confirm=ConfirmUploadForm(token=token),
                diff=changes_from_active(webinar, parsed.cues),
                max_changes=MAX_SHOWN_CHANGES,
            )
    versions = list(db.session.scalars(select(Transcript).filter_by(webinar_id=webinar.id).order_by(Transcript.version.desc())))
    status = 400 if (error or form.errors) else 200
    return render_template(
        "admin/transcripts.html",
        webinar=webinar,
        form=form,
        error=error,
        versions=versions,
        action=ActionForm(),
        indexing_update=indexing.pending(webinar),
    ), status


@bp.get("/webinars/<int:webinar_id>/index-progress")
def index_progress(webinar_id: int):
    """Where the index update of a long transcript is (the transcript page asks every few seconds)."""
    update = indexing.pending(webinar_or_404(webinar_id))
    if update is None:
        return jsonify(pending=False)
    return jsonify(pending=True, done=update.done, total=update.total, percent=update.percent)


@bp.post("/webinars/<int:webinar_id>/transcripts/confirm")
def transcript_confirm(webinar_id: int):
    webinar = webinar_or_404(webinar_id)
    form = ConfirmUploadForm()
    if not form.validate_on_submit():
        abort(400)
    pending = pending_upload(webinar, form.token.data or "", current_user)
    if pending is None:
        flash(_("Cet envoi n'est plus en attente (déjà confirmé ou expiré) : renvoyez le fichier."), "error")
        return redirect(url_for("admin.transcripts", webinar_id=webinar.id))
    try:
        result = confirm_upload(webinar, pending, current_user)
    except TranscriptError as err:  # the configured limits changed since the preview
        flash(_("Le fichier n'a pas pu être enregistré : %(reason)s", reason=err), "error")
        return redirect(url_for("admin.transcripts", webinar_id=webinar.id))
    except VersionConflict as err:
        flash(str(err), "error")
        return redirect(url_for("admin.transcripts", webinar_id=webinar.id))
    lines = format_number(result.transcript.cue_count)
    if indexing.pending(webinar) is None:
        flash(_("Version %(version)s active (%(lines)s répliques) ; la recherche est à jour.", version=result.transcript.version, lines=lines), "success")
    else:
        flash(
            _(
                "Version %(version)s active (%(lines)s répliques) : elle est en ligne, et la recherche la trouvera dès la fin "
                "de son indexation (ci-dessous).",
                version=result.transcript.version,
                lines=lines,
            ),
            "success",
        )
    return redirect(url_for("admin.transcripts", webinar_id=webinar.id))


@bp.get("/transcripts/<int:transcript_id>/download")
def transcript_download(transcript_id: int):
    transcript = db.session.get(Transcript, transcript_id)
    if transcript is None:
        abort(404)
    response = Response(transcript.raw, mimetype="application/octet-stream")
    name = download_name(transcript.original_filename, "transcription.vtt")
    response.headers["Content-Disposition"] = f'attachment; filename="v{transcript.version}-{name}"'
    response.headers["X-Checksum-SHA256"] = transcript.sha256
    return response


@bp.get("/transcripts/<int:transcript_id>/changes")
def transcript_changes(transcript_id: int):
    """What making this version active would change from the active one."""
    transcript = db.session.get(Transcript, transcript_id)
    if transcript is None:
        abort(404, _("Cette version n'existe pas (ou plus)."))
    webinar = transcript.webinar
    return render_template(
        "admin/transcript_changes.html",
        webinar=webinar,
        transcript=transcript,
        diff=changes_from_active(webinar, cues_of(transcript)),
        max_changes=MAX_SHOWN_CHANGES,
        action=ActionForm(),
    )


@bp.post("/transcripts/<int:transcript_id>/activate")
def transcript_activate(transcript_id: int):
    transcript = db.session.get(Transcript, transcript_id)
    if transcript is None:
        abort(404)
    if ActionForm().validate_on_submit():
        activate_version(transcript.webinar, transcript)
        flash(_("La version %(version)s est de nouveau active.", version=transcript.version), "success")
    return redirect(url_for("admin.transcripts", webinar_id=transcript.webinar_id))


@bp.get("/webinars/<int:webinar_id>/cues")
def cues(webinar_id: int):
    webinar = webinar_or_404(webinar_id)
    return render_template("admin/cues.html", webinar=webinar, cues=active_cues(webinar))


@bp.route("/webinars/<int:webinar_id>/cues/<int:cue_id>", methods=["GET", "POST"])
def cue_edit(webinar_id: int, cue_id: int):
    webinar = webinar_or_404(webinar_id)
    cue = db.session.get(Cue, cue_id)
    if cue is None or cue.transcript_id != webinar.active_transcript_id:
        abort(404, _("Cette réplique n'appartient pas à la version active de la transcription."))
    report = db.session.get(ErrorReport, bounded_int(request.args.get("report"), 0, 0, 2**62)) if request.args.get("report") else None
    if report is not None and (report.webinar_id != webinar.id or report.status != "new"):
        report = None
    text = report.proposed if report is not None else cue.text
    note = _("Signalement %(id)s", id=report.id) if report is not None else ""
    form = CueEditForm(data={"speaker": cue.speaker or "", "text": text, "note": note} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            result = edit_cue(webinar, cue.id, form.text.data or "", (form.speaker.data or "").strip() or None, current_user, form.note.data or "")
        except VersionConflict as err:
            flash(str(err), "error")
            return redirect(url_for("admin.cues", webinar_id=webinar.id))
        if report is not None:
            reports_service.set_status(report, "fixed")
        flash(_("Correction enregistrée dans la version %(version)s ; elle est déjà cherchable.", version=result.transcript.version), "success")
        moved = next((c for c in result.transcript.cues if c.position == cue.position), None)
        anchor = f"#cue-{moved.id}" if moved else ""
        return redirect(url_for("admin.cues", webinar_id=webinar.id) + anchor)
    return render_template("admin/cue_edit.html", webinar=webinar, cue=cue, form=form), 400 if form.errors else 200
