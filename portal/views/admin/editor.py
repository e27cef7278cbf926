"""Administration: the transcript editor (the player beside the lines, each editable in place), and its saves."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from media_meta.sources import PLAYED_KINDS
from portal import links
from portal.auth import admins_only
from portal.errors import json_error
from portal.services import transcript_editing as service
from portal.services.transcripts import VersionConflict, active_cues
from portal.views.admin import webinar_or_404

bp = Blueprint("transcript_editor", __name__, url_prefix="/admin/webinars/<int:webinar_id>/editor")
admins_only(bp)
MAX_CHANGES_SHOWN = 200



@bp.get("/")
def editor(webinar_id: int):
    webinar = webinar_or_404(webinar_id)
    transcript = webinar.active_transcript
    too_long = transcript is not None and transcript.cue_count > service.MAX_EDITOR_CUES
    cues = [] if transcript is None or too_long else active_cues(webinar)
    data = {
        "base": webinar.active_transcript_id,
        "cues": [{"start_ms": c.start_ms, "end_ms": c.end_ms, "speaker": c.speaker or "", "text": c.text} for c in cues],
        "duration_ms": webinar.duration_ms or 0,
        "preview_url": url_for("transcript_editor.preview", webinar_id=webinar.id),
        "save_url": url_for("transcript_editor.save", webinar_id=webinar.id),
    }
    media = links.media_url(webinar) if webinar.media_kind in PLAYED_KINDS else None
    return render_template("admin/editor.html", webinar=webinar, transcript=transcript, too_long=too_long, data=data, media=media)


def _edited() -> tuple[dict, list]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise service.EditError(_("Requête illisible : rechargez la page."))
    return body, service.read_cues(body.get("cues"))


@bp.post("/preview")
def preview(webinar_id: int):
    """What would change, as the upload's preview shows it (the same HTML), before saving."""
    webinar = webinar_or_404(webinar_id)
    try:
        _body, cues = _edited()
    except service.EditError as err:
        return json_error(400, err.message, cue=err.cue)
    diff = service.changes(webinar, cues)
    active = webinar.active_transcript.version if webinar.active_transcript else None
    html = render_template("admin/_editor_changes.html", diff=diff, active_version=active, max_changes=MAX_CHANGES_SHOWN)
    return jsonify({"ok": True, "same": diff.same, "counts": diff.counts, "html": html})


@bp.post("/save")
def save(webinar_id: int):
    webinar = webinar_or_404(webinar_id)
    try:
        body, cues = _edited()
        result = service.save(webinar, cues, body.get("base"), current_user, str(body.get("note") or ""))
    except service.EditError as err:
        return json_error(400, err.message, cue=err.cue)
    except VersionConflict as err:
        return json_error(409, str(err))
    flash(_("Version %(version)s enregistrée depuis l'éditeur ; elle est en ligne et déjà cherchable.", version=result.transcript.version), "success")
    return jsonify({"ok": True, "version": result.transcript.version, "redirect": url_for("admin.transcripts", webinar_id=webinar.id)})
